/**
 * A refused save of a user's access form in the console shows the form as the administrator
 * sent it, not as it is stored: nothing typed is lost to the error. Every user has an email
 * and a profile, so emptying either is refused beside the field, never reported saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console user access form', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it('an invalid email is refused with 422 and every field keeps what was typed', async () => {
    const user = await h.server.services.users.create({ username: 'etl@acme.test', profile: 'Integration', permissions: ['ApiEnabled'] });
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get(`/console/users/${user.id}`)).body);

    const refused = await browser.post(`/console/users/${user.id}`, {
      csrf_token: csrf,
      email: 'not-an-email',
      profile: 'Analytics Integration',
      permissionSets: 'ERP Access\nReporting Access',
      permissions: 'ApiEnabled\nViewSetup',
    });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(/id="email"[^>]*aria-invalid="true"[^>]*value="not-an-email"/);
    expect(refused.body).toContain('value="Analytics Integration"');
    expect(refused.body).toContain('>ERP Access\nReporting Access</textarea>');
    expect(refused.body).toContain('>ApiEnabled\nViewSetup</textarea>');
    expect(await h.server.services.users.get({ id: user.id })).toMatchObject({ email: 'etl@acme.test', profile: 'Integration', permissions: ['ApiEnabled'] });
  });

  it.each([
    ['email', 'Email: enter an email address; a user cannot be left without one.'],
    ['profile', 'Profile: enter a profile; every user has one (Standard User unless another is given).'],
  ])('an emptied %s is refused with 422 beside the field, and nothing is saved', async (field, message) => {
    const user = await h.server.services.users.create({ username: `cleared-${field}@acme.test`, email: 'ops@acme.test', profile: 'Integration', permissions: ['ApiEnabled'] });
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const page = await browser.get(`/console/users/${user.id}`);
    expect(page.body).toMatch(new RegExp(`id="${field}"[^>]* required`));

    const refused = await browser.post(`/console/users/${user.id}`, {
      csrf_token: csrfOf(page.body),
      email: 'ops@acme.test',
      profile: 'Integration',
      permissionSets: 'ERP Access',
      permissions: 'ApiEnabled',
      [field]: '  ',
    });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(`<span class="field-error" id="${field}-error">${message}</span>`);
    expect(refused.body).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*value=""`));
    expect(refused.body).toContain('>ERP Access</textarea>');
    expect(refused.body).not.toContain('Saved.');
    expect(await h.server.services.users.get({ id: user.id })).toMatchObject({ email: 'ops@acme.test', profile: 'Integration', permissionSets: [] });
  });
});
