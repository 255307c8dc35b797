/**
 * The console's OAuth settings form is saved whole or not at all: a refusal (here a file that
 * is not a certificate) leaves the run-as user, the flows and the scopes as they were, and the
 * page shows the administrator's choices again beside the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console OAuth settings', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it('a refused certificate leaves the run-as user unchanged', async () => {
    await h.server.services.users.create({ username: 'svc@acme.test', permissions: ['ApiEnabled'] });
    const { app } = await h.server.services.apps.create({ name: 'Nightly Export', scopes: ['api'] });
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get(`/console/apps/${app.id}/oauth`)).body);

    const refused = await browser.postMultipart(
      `/console/apps/${app.id}/oauth`,
      { csrf_token: csrf, clientCredentials: 'on', scopes: 'api', runAs: 'svc@acme.test' },
      { name: 'certificate', filename: 'x.pem', content: 'not a certificate' },
    );

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('The certificate was refused');
    const after = await h.server.services.apps.get({ id: app.id });
    expect(after.clientCredentialsRunAs).toBeNull();
    expect(after.flows.clientCredentials).toBe(false);
    expect(after.updatedAt).toEqual(app.updatedAt);
  });

  it('sets the run-as user and switches client credentials on in one save, and clears both in one save', async () => {
    const { app } = await h.server.services.apps.create({ name: 'Ledger Sync', scopes: ['api'] });
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get(`/console/apps/${app.id}/oauth`)).body);

    const on = await browser.postMultipart(`/console/apps/${app.id}/oauth`, { csrf_token: csrf, clientCredentials: 'on', scopes: 'api', runAs: 'svc@acme.test' });
    expect(on.statusCode, on.body).toBe(303);
    expect(await h.server.services.apps.get({ id: app.id })).toMatchObject({ clientCredentialsRunAs: 'svc@acme.test', flows: { clientCredentials: true } });

    const off = await browser.postMultipart(`/console/apps/${app.id}/oauth`, { csrf_token: csrf, scopes: 'api', runAs: '' });
    expect(off.statusCode, off.body).toBe(303);
    expect(await h.server.services.apps.get({ id: app.id })).toMatchObject({ clientCredentialsRunAs: null, flows: { clientCredentials: false } });
  });
});
