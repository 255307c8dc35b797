/**
 * The console asks before removing a user's TOTP, since the user's console sign-in then needs
 * only the password. The user page leads to a confirmation page; the POST acts only with the
 * field that page's form carries (`confirm=yes`), and without it shows the same page and
 * changes nothing. The CSRF token is checked either way. Requiring TOTP still acts at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpSecret } from '../../src/admin/console-auth-totp.js';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

const PASSWORD_ONLY = 'will then need only the password';

describe("console: confirmation before removing a user's TOTP", () => {
  let h: ConsoleHarness;
  let browser: ConsoleBrowser;
  beforeAll(async () => {
    h = await startConsoleServer();
    browser = new ConsoleBrowser(h.server);
    expect((await browser.signIn()).statusCode).toBe(303);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A user who needs a TOTP code at sign-in, and their page as the console shows it. */
  async function totpUser(username: string): Promise<{ id: string; secret: string; page: string }> {
    const user = await h.server.services.users.create({ username, permissions: ['ManageUsers'], password: 'a long enough password 1' });
    const secret = generateTotpSecret();
    await h.server.services.users.setTotpSecret({ id: user.id }, secret);
    const page = await browser.get(`/console/users/${user.id}`);
    expect(page.statusCode).toBe(200);
    return { id: user.id, secret, page: page.body };
  }

  async function storedSecret(id: string): Promise<string | null> {
    return (await h.server.services.users.get({ id })).totpSecret;
  }

  function expectConfirmationPage(body: string, user: { id: string; username: string }): void {
    expect(body).toContain(`<h1>Remove TOTP from ${user.username}?</h1>`);
    expect(body).toContain(`Console sign-in as ${user.username} ${PASSWORD_ONLY}`);
    expect(body).toMatch(
      new RegExp(`<form method="post" action="/console/users/${user.id}/totp/remove">\\s*<input type="hidden" name="csrf_token" value="[^"]+"><input type="hidden" name="confirm" value="yes">`),
    );
    expect(body).toContain(`<button type="submit" class="danger">Remove TOTP</button><a href="/console/users/${user.id}">Cancel</a>`);
  }

  it('leads from the user page to a confirmation page that names the user and says sign-in needs only the password', async () => {
    const user = await totpUser('ask@acme.test');
    expect(user.page).toContain(`<a class="button danger" href="/console/users/${user.id}/totp/remove">Remove TOTP</a>`);
    expect(user.page).not.toContain('name="action" value="remove"');
    const ask = await browser.get(`/console/users/${user.id}/totp/remove`);
    expect(ask.statusCode).toBe(200);
    expect(ask.headers['cache-control']).toBe('no-store');
    expectConfirmationPage(ask.body, { id: user.id, username: 'ask@acme.test' });
    expect(await storedSecret(user.id)).toBe(user.secret);
  });

  it('changes nothing on a POST without confirm=yes, and shows the confirmation page instead', async () => {
    const user = await totpUser('unconfirmed@acme.test');
    const response = await browser.post(`/console/users/${user.id}/totp/remove`, { csrf_token: csrfOf(user.page) });
    expect(response.statusCode).toBe(200);
    expectConfirmationPage(response.body, { id: user.id, username: 'unconfirmed@acme.test' });
    expect(await storedSecret(user.id)).toBe(user.secret);
  });

  it('changes nothing on the one-click form of an earlier user page (action=remove), and asks instead', async () => {
    const user = await totpUser('old-form@acme.test');
    const response = await browser.post(`/console/users/${user.id}/totp`, { csrf_token: csrfOf(user.page), action: 'remove' });
    expect(response.statusCode).toBe(200);
    expectConfirmationPage(response.body, { id: user.id, username: 'old-form@acme.test' });
    expect(await storedSecret(user.id)).toBe(user.secret);
  });

  it('removes TOTP on a POST with confirm=yes and the CSRF token', async () => {
    const user = await totpUser('confirmed@acme.test');
    const ask = await browser.get(`/console/users/${user.id}/totp/remove`);
    const removed = await browser.post(`/console/users/${user.id}/totp/remove`, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`/console/users/${user.id}?saved=totp-removed`);
    expect(await storedSecret(user.id)).toBeNull();
    const page = await browser.get(removed.headers.location as string);
    expect(page.body).toContain('TOTP is no longer required.');
    expect(page.body).toContain('No second factor is required.');
  });

  it('refuses a confirmed POST without the CSRF token: 403, and TOTP stays', async () => {
    const user = await totpUser('no-csrf@acme.test');
    const response = await browser.post(`/console/users/${user.id}/totp/remove`, { confirm: 'yes' });
    expect(response.statusCode).toBe(403);
    expect(await storedSecret(user.id)).toBe(user.secret);
  });

  it('goes back to the user page when the user has no TOTP to remove', async () => {
    const user = await h.server.services.users.create({ username: 'no-totp@acme.test' });
    const ask = await browser.get(`/console/users/${user.id}/totp/remove`);
    expect(ask.statusCode).toBe(303);
    expect(ask.headers.location).toBe(`/console/users/${user.id}`);
  });

  it('still requires TOTP at once: strengthening sign-in is not asked about', async () => {
    const user = await h.server.services.users.create({ username: 'require@acme.test' });
    const page = await browser.get(`/console/users/${user.id}`);
    expect(page.body).toContain('<button type="submit" class="secondary">Require TOTP</button>');
    const required = await browser.post(`/console/users/${user.id}/totp`, { csrf_token: csrfOf(page.body), action: 'require' });
    expect(required.statusCode).toBe(200);
    expect(required.body).toContain('Authenticator secret for require@acme.test');
    expect(await storedSecret(user.id)).not.toBeNull();
  });
});
