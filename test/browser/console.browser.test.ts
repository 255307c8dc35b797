/**
 * The console in a real browser (Debian's Chromium through playwright-core): the seed
 * control's remediation done by hand, a token obtained with the uploaded certificate's key,
 * the review changing, the refusal paths, and an axe-core check of every main page.
 *
 * Set KEYGATE_SCREENSHOTS=1 to also write the screenshots in docs/images/.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFingerprint } from '../../src/platform/x509.js';
import { ADMIN, BASE_URL, INTEGRATION_USER, ROOT, axeViolations, keygen, newContext, signIn, startBrowserHarness, type BrowserHarness } from './console-browser-harness.js';

const SCREENSHOTS = process.env['KEYGATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs/images') : null;
const TEST_TIMEOUT = 120_000;

async function scoreOf(page: Page): Promise<number> {
  const title = await page.locator('#gauge-title').textContent();
  return Number(/Score (\d+) out of 100/.exec(title ?? '')![1]);
}

describe('console in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it(
    'performs the seed remediation by hand: certificate upload, "Enable JWT Bearer Flow", a token, and the review passing',
    async () => {
      const context = await newContext(h);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.url });
      const page = await context.newPage();
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });

      await signIn(page);
      await expect.poll(() => page.url()).toMatch(/\/console\/apps$/);
      await page.getByRole('heading', { name: 'External Client App Manager' }).waitFor();

      // A legacy integration: client credentials with a consumer secret.
      await page.getByRole('button', { name: 'New External Client App' }).click();
      await page.getByLabel('Name', { exact: true }).fill('erp');
      await page.getByLabel('Contact email').fill('ops@acme.test');
      await page.getByLabel('Generate a consumer secret').check();
      await page.getByRole('button', { name: 'Create' }).click();
      const secret = await page.getByRole('textbox', { name: 'Consumer secret' }).inputValue();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const copy = page.getByRole('button', { name: 'Copy' });
      await copy.click();
      await page.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await page.getByRole('link', { name: 'Continue to the app' }).click();
      await page.getByRole('heading', { name: 'OAuth Settings' }).waitFor();
      expect(await page.content()).not.toContain(secret);
      const appUrl = page.url();

      await page.getByRole('link', { name: 'Edit OAuth Settings' }).click();
      await page.getByLabel('Enable Client Credentials Flow').check();
      await page.getByLabel('Client Credentials run-as user').selectOption(INTEGRATION_USER);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Client Credentials Flow: Enabled').waitFor();

      await page.getByRole('link', { name: 'Edit Policies' }).click();
      await page.getByLabel('Profiles').fill('Integration');
      await page.getByLabel('Trusted IP ranges').fill('127.0.0.0/33');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('"127.0.0.0/33" is not a valid CIDR range').first().waitFor();
      await page.getByLabel('Trusted IP ranges').fill('127.0.0.0/8');
      await page.getByLabel('Session timeout (minutes)').fill('15');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Policies saved.').waitFor();

      // The review before: the seed control fails for the app.
      await page.getByRole('link', { name: 'Security Health Review' }).first().click();
      await page.getByRole('button', { name: 'Run review' }).click();
      await page.getByText('The review ran again.').waitFor();
      const appId = appUrl.split('/').pop()!;
      const group = page.locator(`#app-${appId}`);
      const seed = group.locator('article', { hasText: 'eca.oauth-flow.jwt-bearer-enabled' });
      await expect.poll(() => seed.textContent()).toContain('Failing');
      const before = await scoreOf(page);

      // The remediation, from the finding's link: refusals first.
      await seed.getByRole('link', { name: 'Edit OAuth Settings' }).click();
      await page.getByLabel('Enable JWT Bearer Flow', { exact: true }).check();
      await page.getByLabel('Enable Client Credentials Flow').uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('alert').getByText('The JWT Bearer flow needs a currently valid certificate on the app').waitFor();

      await page.getByLabel('Certificate', { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a certificate') });
      await page.getByLabel('Enable JWT Bearer Flow', { exact: true }).check();
      await page.getByLabel('Enable Client Credentials Flow').uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('alert').getByText('The certificate was refused: the file is not a PEM certificate').waitFor();

      const keys = await keygen(h.dataDir, 'erp-integration');
      await page.getByLabel('Certificate', { exact: true }).setInputFiles(keys.certificateFile);
      await page.getByLabel('Enable JWT Bearer Flow', { exact: true }).check();
      await page.getByLabel('Enable Client Credentials Flow').uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('OAuth settings saved.').waitFor();
      await page.getByText('JWT Bearer Flow: Enabled').waitFor();
      const app = await h.server.services.apps.get({ name: 'erp' });
      const cert = app.certificates[0]!;
      await page.getByText('CN=erp-integration').first().waitFor();
      await page.getByText(formatFingerprint(cert.fingerprintSha256)).first().waitFor();
      await page.getByText(`${cert.notAfter.toISOString().slice(0, 16).replace('T', ' ')} UTC`).first().waitFor();

      // The integration now signs an assertion with the key `keygate keygen` made.
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(app.consumerKey)
        .setSubject(INTEGRATION_USER)
        .setAudience(BASE_URL)
        .setIssuedAt()
        .setExpirationTime('2m')
        .setJti(randomUUID())
        .sign(await importPKCS8(keys.privateKeyPem, 'RS256'));
      const token = await fetch(`${h.server.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      const body = (await token.json()) as Record<string, unknown>;
      expect(token.status, JSON.stringify(body)).toBe(200);
      expect(body['access_token']).toEqual(expect.any(String));
      await page.reload();
      await page.locator('section', { hasText: 'Recent Activity' }).getByText('Success').first().waitFor();

      // The review after: the seed control passes for the app and the score goes up.
      await page.getByRole('link', { name: 'Security Health Review' }).first().click();
      await page.getByRole('button', { name: 'Re-run review' }).click();
      await page.getByText('The review ran again.').waitFor();
      await group.getByText('Passing controls').click();
      await group.getByText('External Client Apps: OAuth Flow Enablement: Enable JWT Bearer Flow: Passing').waitFor();
      expect(await scoreOf(page)).toBeGreaterThan(before);
      await page.getByRole('img', { name: 'Score over time' }).waitFor();

      // Login History shows the token request and exports CSV.
      await page.getByRole('link', { name: 'Login History' }).click();
      await page.getByLabel('App').selectOption({ label: 'erp' });
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByRole('cell', { name: 'jwt-bearer' }).first().waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Export CSV' }).click();
      expect((await download).suggestedFilename()).toMatch(/^keygate-login-history-.*\.csv$/);

      expect(cspViolations).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses a form whose CSRF token is missing with 403',
    async () => {
      const context = await newContext(h);
      const page = await context.newPage();
      await signIn(page);
      await page.getByRole('button', { name: 'New External Client App' }).click();
      await page.getByLabel('Name', { exact: true }).fill('csrf-less');
      await page.evaluate(() => document.querySelector('main input[name="csrf_token"]')?.remove());
      const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/console/apps'));
      await page.getByRole('button', { name: 'Create' }).click();
      expect((await response).status()).toBe(403);
      await page.getByText("The form's security token is missing or out of date").waitFor();
      expect((await h.server.services.apps.list()).some((a) => a.name === 'csrf-less')).toBe(false);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'sends a double-clicked form once: the app is created and its one-time secret shown',
    async () => {
      const context = await newContext(h);
      const page = await context.newPage();
      await signIn(page);
      await page.getByRole('button', { name: 'New External Client App' }).click();
      await page.getByLabel('Name', { exact: true }).fill('double-clicked');
      await page.getByLabel('Generate a consumer secret').check();
      let posts = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/console/apps')) posts += 1;
      });
      await page.getByRole('button', { name: 'Create' }).dblclick();
      await page.getByRole('heading', { name: 'App created' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Consumer secret' }).inputValue()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(posts).toBe(1);
      expect((await h.server.services.apps.list()).filter((a) => a.name === 'double-clicked')).toHaveLength(1);
      await context.close();
      // Gone again, so the App Manager's screenshot shows only the app the docs describe.
      await h.server.services.apps.delete({ name: 'double-clicked' });
    },
    TEST_TIMEOUT,
  );

  it(
    'asks before deleting the consumer secret, with JavaScript off: Cancel keeps it, Confirm deletes it',
    async () => {
      const { app } = await h.server.services.apps.create({ name: 'confirm-check', generateSecret: true });
      const context = await newContext(h, { javaScriptEnabled: false });
      const page = await context.newPage();
      await signIn(page);
      await page.goto(`/console/apps/${app.id}`);
      await page.getByRole('link', { name: 'Delete consumer secret' }).click();
      await page.getByRole('heading', { name: 'Delete the consumer secret of confirm-check?' }).waitFor();
      await page.getByText('Every integration that authenticates with the current consumer secret').waitFor();
      await page.getByRole('link', { name: 'Cancel' }).click();
      await page.getByRole('heading', { name: 'confirm-check', exact: true }).waitFor();
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).not.toBeNull();
      await page.getByRole('link', { name: 'Delete consumer secret' }).click();
      await page.getByRole('button', { name: 'Delete consumer secret' }).click();
      await page.getByText('The consumer secret was deleted').waitFor();
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).toBeNull();
      await context.close();
      // Gone again, so the App Manager's screenshot shows only the app the docs describe.
      await h.server.services.apps.delete({ id: app.id });
    },
    TEST_TIMEOUT,
  );

  it(
    'lays out the App Manager: the count under the table, the button clear of the card',
    async () => {
      await h.server.services.apps.create({ name: 'layout-check' });
      const context = await newContext(h);
      const page = await context.newPage();
      await signIn(page);
      await page.getByRole('heading', { name: 'External Client App Manager' }).waitFor();
      const caption = await page.locator('table caption').boundingBox();
      const body = await page.locator('table tbody').boundingBox();
      // Below the rows, not a stray row between the column headings and the first app.
      expect(caption!.y).toBeGreaterThanOrEqual(body!.y + body!.height - 1);
      const count = (await h.server.services.apps.list()).length;
      expect(await page.locator('table caption').textContent()).toBe(`${count} ${count === 1 ? 'app' : 'apps'}`);
      const button = await page.getByRole('button', { name: 'New External Client App' }).boundingBox();
      const card = await page.locator('section.card').first().boundingBox();
      expect(card!.y).toBeGreaterThan(button!.y + button!.height);
      await context.close();
      await h.server.services.apps.delete({ name: 'layout-check' });
    },
    TEST_TIMEOUT,
  );

  it(
    'logs no error in the browser console on a visit: the tab icon is linked, so no /favicon.ico 404',
    async () => {
      const context = await newContext(h);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await signIn(page);
      await page.getByRole('heading', { name: 'External Client App Manager' }).waitFor();
      await page.goto('/console/users');
      await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
      // The browser asks for the icon after the page has loaded, out of the page's sight.
      await page.waitForLoadState('load');
      await page.waitForTimeout(1000);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses a wrong password, and locks the account after 5 failures',
    async () => {
      await h.server.services.users.create({ username: 'second-admin@acme.test', permissions: ['ManageUsers'], password: 'the second password' });
      const context = await newContext(h);
      const page = await context.newPage();
      await signIn(page, 'second-admin@acme.test', 'wrong password');
      await page.getByRole('alert').getByText('The username or password is incorrect.', { exact: false }).waitFor();
      for (let i = 2; i <= 5; i += 1) await signIn(page, 'second-admin@acme.test', `wrong password ${i}`);
      // A locked account gets the answer an unknown user gets; the history keeps the reason.
      const generic = 'The username or password is incorrect. After 5 failed attempts in a row, an account is locked for 15 minutes.';
      await page.getByRole('alert').getByText(generic, { exact: true }).waitFor();
      await signIn(page, 'second-admin@acme.test', 'the second password');
      await page.getByRole('alert').getByText(generic, { exact: true }).waitFor();
      expect(page.url()).toMatch(/\/console\/sign-in$/);
      const { events } = await h.server.services.history.queryLoginHistory({ grant: 'console', username: 'second-admin@acme.test' });
      expect(events.map((e) => e.reason)).toEqual(['account_locked', 'password_invalid_locked', 'password_invalid', 'password_invalid', 'password_invalid', 'password_invalid']);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'passes axe-core on every main page',
    async () => {
      const context = await newContext(h, { bypassCSP: true });
      const page = await context.newPage();
      const app = await h.server.services.apps.get({ name: 'erp' }).catch(async () => (await h.server.services.apps.create({ name: 'erp' })).app);
      // The confirmation page asks only about a secret the app has.
      if (!app.consumerSecretHash) await h.server.services.apps.rotateSecret({ id: app.id });
      const admin = await h.server.services.users.get({ username: ADMIN.username });
      if ((await h.server.services.reviews.list(1)).length === 0) await h.server.services.reviews.run();
      const pages: Array<[string, string]> = [
        ['sign-in', '/console/sign-in'],
        ['app-manager', '/console/apps'],
        ['new-app', '/console/apps/new'],
        ['app', `/console/apps/${app.id}`],
        ['oauth-settings', `/console/apps/${app.id}/oauth`],
        ['policies', `/console/apps/${app.id}/policies`],
        ['confirm-rotate-secret', `/console/apps/${app.id}/secret`],
        ['users', '/console/users'],
        ['user', `/console/users/${admin.id}`],
        ['login-history', '/console/login-history'],
        ['review', '/console/review'],
        ['org', '/console/org'],
      ];
      const problems: string[] = [];
      for (const [name, path] of pages) {
        if (name === 'app-manager') await signIn(page);
        await page.goto(path);
        expect(new URL(page.url()).pathname, name).toBe(path);
        problems.push(...(await axeViolations(page)).map((v) => `${name}: ${v}`));
        if (SCREENSHOTS) {
          await mkdir(SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
        }
      }
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

