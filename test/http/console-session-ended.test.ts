/**
 * A console session that has ended (30 minutes idle, or signed out in another tab) leads to
 * the sign-in page, which says why: a form sent then was not saved, and the administrator is
 * told so instead of landing on a blank sign-in form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpSecret, totpCode } from '../../src/admin/console-auth-totp.js';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console session that has ended', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it('a form sent after 30 idle minutes is refused, and the sign-in page says it was not saved', async () => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get('/console/apps/new')).body);
    h.clock.advance(31 * 60);

    const sent = await browser.post('/console/apps', { csrf_token: csrf, name: 'late-app', scopes: 'api' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/console/sign-in?session=unsaved');
    const signIn = await browser.get(sent.headers.location as string);
    expect(signIn.statusCode).toBe(200);
    expect(signIn.body).toContain('Your session had ended, so the form you sent was not saved.');
    expect((await h.server.services.apps.list()).some((a) => a.name === 'late-app')).toBe(false);
  });

  it('a page opened with an expired session says the session ended', async () => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    h.clock.advance(31 * 60);
    const page = await browser.get('/console/users');
    expect(page.headers.location).toBe('/console/sign-in?session=ended');
    expect((await browser.get(page.headers.location as string)).body).toContain('Your session has ended: sign in again.');
  });

  it('a form from a tab whose session was signed out elsewhere is not saved, and says so', async () => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get('/console/org')).body);
    expect((await browser.post('/console/sign-out', { csrf_token: csrf })).headers.location).toBe('/console/sign-in?signed_out=1');

    const sent = await browser.post('/console/org', { csrf_token: csrf, name: 'Renamed' });
    expect(sent.headers.location).toBe('/console/sign-in?session=unsaved');
    expect((await h.server.services.orgs.get()).name).toBe('Acme');
    // Signing out again needs no session: it just says so.
    expect((await browser.post('/console/sign-out', { csrf_token: csrf })).headers.location).toBe('/console/sign-in?signed_out=1');
  });

  it('a verification code sent after the pending sign-in expired leads to the sign-in page, which says why', async () => {
    const user = await h.server.services.users.create({ username: 'totp-admin@acme.test', permissions: ['ManageUsers'], password: 'a long enough password' });
    const secret = generateTotpSecret();
    await h.server.services.users.setTotpSecret({ id: user.id }, secret);
    const browser = new ConsoleBrowser(h.server);
    expect((await browser.signIn(user.username, 'a long enough password')).headers.location).toBe('/console/sign-in/verify');
    const csrf = csrfOf((await browser.get('/console/sign-in/verify')).body);
    h.clock.advance(6 * 60);

    const sent = await browser.post('/console/sign-in/verify', { csrf_token: csrf, code: totpCode(secret, h.clock.now()) });
    expect(sent.headers.location).toBe('/console/sign-in?session=verify');
    expect((await browser.get(sent.headers.location as string)).body).toContain('The sign-in was not completed in time');
  });

  it('a visitor who never signed in gets the plain sign-in page, and an unknown reason shows nothing', async () => {
    const browser = new ConsoleBrowser(h.server);
    expect((await browser.get('/console/apps')).headers.location).toBe('/console/sign-in');
    const page = await browser.get('/console/sign-in?session=%3Cb%3Ex');
    expect(page.body).not.toContain('role="status"');
    expect(page.body).not.toContain('<b>x');
  });
});
