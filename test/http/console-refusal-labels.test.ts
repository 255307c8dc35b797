/**
 * A refusal shown in the console names the field by the form's label, as the administrator
 * sees it, never by the admin API's field path: "Contact email: Invalid email address", not
 * "ContactEmail: ..."; "Permissions: ...", not "Permissions.1: ...".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console refusals name the form field by its label', () => {
  let h: ConsoleHarness;
  let browser: ConsoleBrowser;
  let csrf: string;
  beforeAll(async () => {
    h = await startConsoleServer();
    browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    csrf = csrfOf((await browser.get('/console/apps')).body);
  });
  afterAll(async () => h?.close());

  /** The page's messages: the notice and the error beside the field. */
  function messages(body: string): string[] {
    return [...body.matchAll(/<(?:div class="notice error" role="alert"|span class="field-error" id="[^"]+")>([^<]*)</g)].map((m) => m[1]!);
  }

  it('New External Client App: the contact email and the scopes', async () => {
    const email = await browser.post('/console/apps', { csrf_token: csrf, name: 'Mail Test', contactEmail: 'not an email', scopes: 'api' });
    expect(email.statusCode).toBe(422);
    expect(messages(email.body)).toContain('Contact email: Invalid email address.');

    const scopes = await browser.post('/console/apps', { csrf_token: csrf, name: 'Scope Test', scopes: 'api api' });
    expect(scopes.statusCode).toBe(422);
    expect(messages(scopes.body)).toContain('Scopes: &quot;api&quot; is listed twice.');
  });

  it('Edit OAuth Settings: client credentials without a run-as user', async () => {
    const { app } = await h.server.services.apps.create({ name: 'Ledger', scopes: ['api'] });
    const refused = await browser.postMultipart(`/console/apps/${app.id}/oauth`, { csrf_token: csrf, clientCredentials: 'on', scopes: 'api', runAs: '' });
    expect(refused.statusCode).toBe(422);
    expect(messages(refused.body)).toContain('The Client Credentials flow needs a run-as user.');
  });

  it('Edit Policies: a profile listed twice', async () => {
    const { app } = await h.server.services.apps.create({ name: 'Payroll', scopes: ['api'] });
    const refused = await browser.post(`/console/apps/${app.id}/policies`, {
      csrf_token: csrf,
      permittedUsers: 'adminApproved',
      profiles: 'Integration\nIntegration',
      ipRelaxation: 'enforce',
      sessionTimeoutMinutes: '30',
    });
    expect(refused.statusCode).toBe(422);
    expect(messages(refused.body)).toContain('Profiles: &quot;Integration&quot; is listed twice.');
  });

  it('Users: the new user form and the access form', async () => {
    const created = await browser.post('/console/users', { csrf_token: csrf, username: 'etl@acme.test', permissions: 'ApiEnabled\nApiEnabled' });
    expect(created.statusCode).toBe(422);
    expect(messages(created.body)).toContain('Permissions: &quot;ApiEnabled&quot; is listed twice.');

    const user = await h.server.services.users.create({ username: 'bi@acme.test', permissions: ['ApiEnabled'] });
    const access = await browser.post(`/console/users/${user.id}`, { csrf_token: csrf, profile: 'Integration', permissionSets: 'BI\nBI', permissions: 'ApiEnabled' });
    expect(access.statusCode).toBe(422);
    expect(messages(access.body)).toContain('Permission sets: &quot;BI&quot; is listed twice.');
  });
});
