/**
 * Every open finding on the console's review page links to the setting that fixes it, the
 * org's too: "Require Asymmetric Machine-to-Machine Authentication" links to Org Settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console review: the org finding', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it('links to Org Settings', async () => {
    await h.server.services.users.create({ username: 'svc@acme.test', permissions: ['ApiEnabled'] });
    await h.server.services.apps.create({ name: 'Legacy', flows: { clientCredentials: true }, clientCredentialsRunAs: 'svc@acme.test', generateSecret: true });
    await h.server.services.reviews.run();
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const page = await browser.get('/console/review');
    expect(page.statusCode).toBe(200);
    const org = /<section class="card" id="org"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    expect(org).toContain('org.m2m.asymmetric-required');
    expect(org).toContain('<a href="/console/org">Org Settings</a>');
  });
});
