/**
 * The console asks before a change that cuts integrations off: rotating or deleting the
 * consumer secret, removing a certificate. The app page leads to a confirmation page; the
 * POST acts only with the field that page's form carries (`confirm=yes`), and without it
 * shows the same page and changes nothing. The CSRF token is checked either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { formatFingerprint } from '../../src/platform/x509.js';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

const RUN_AS = 'svc@acme.test';
const SECRET_REFUSED = 'Every integration that authenticates with the current consumer secret';
const SIGNER_REFUSED = "Every integration that signs with this certificate's private key will be refused from now on";

describe('console: confirmation before a change that cuts integrations off', () => {
  let h: ConsoleHarness;
  let browser: ConsoleBrowser;
  beforeAll(async () => {
    h = await startConsoleServer();
    await h.server.services.users.create({ username: RUN_AS, profile: 'Integration' });
    browser = new ConsoleBrowser(h.server);
    expect((await browser.signIn()).statusCode).toBe(303);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** An app a client-credentials integration signs in to with its consumer secret. */
  async function secretApp(name: string): Promise<{ id: string; secret: string; page: string }> {
    const { app, consumerSecret } = await h.server.services.apps.create({ name, scopes: ['api'], generateSecret: true });
    await h.server.services.apps.updateOAuthSettings({ id: app.id }, { flows: { clientCredentials: true }, clientCredentialsRunAs: RUN_AS });
    const page = await browser.get(`/console/apps/${app.id}`);
    expect(page.statusCode).toBe(200);
    return { id: app.id, secret: consumerSecret!, page: page.body };
  }

  /** The status the token endpoint answers the integration's client-credentials request with. */
  async function tokenStatus(name: string, secret: string): Promise<number> {
    const { consumerKey } = await h.server.services.apps.get({ name });
    const response = await h.server.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: consumerKey, client_secret: secret }).toString(),
    });
    return response.statusCode;
  }

  /** The confirmation page: the app named, the consequence, Confirm carrying the token and confirm=yes, Cancel back. */
  function expectConfirmationPage(body: string, options: { id: string; title: string; action: string; button: string; consequence: string }): void {
    expect(body).toContain(`<h1>${options.title}</h1>`);
    expect(body).toContain(options.consequence);
    const form = new RegExp(`<form method="post" action="${options.action}">\\s*<input type="hidden" name="csrf_token" value="[^"]+"><input type="hidden" name="confirm" value="yes">`);
    expect(body).toMatch(form);
    expect(body).toContain(`<button type="submit" class="danger">${options.button}</button><a href="/console/apps/${options.id}">Cancel</a>`);
  }

  describe('rotating the consumer secret', () => {
    it('leads from the app page to a confirmation page that names the app and says who is refused', async () => {
      const app = await secretApp('rotate-ask');
      expect(app.page).toContain(`<a class="button secondary" href="/console/apps/${app.id}/secret">Rotate consumer secret</a>`);
      expect(app.page).not.toContain(`action="/console/apps/${app.id}/secret"`);
      const ask = await browser.get(`/console/apps/${app.id}/secret`);
      expect(ask.statusCode).toBe(200);
      expect(ask.headers['cache-control']).toBe('no-store');
      expectConfirmationPage(ask.body, {
        id: app.id,
        title: 'Rotate the consumer secret of rotate-ask?',
        action: `/console/apps/${app.id}/secret`,
        button: 'Rotate consumer secret',
        consequence: SECRET_REFUSED,
      });
      expect(await tokenStatus('rotate-ask', app.secret)).toBe(200);
    });

    it('changes nothing on a POST without confirm=yes, and shows the confirmation page instead', async () => {
      const app = await secretApp('rotate-unconfirmed');
      const before = await h.server.services.apps.get({ id: app.id });
      const response = await browser.post(`/console/apps/${app.id}/secret`, { csrf_token: csrfOf(app.page) });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('id="consumer-secret"');
      expectConfirmationPage(response.body, {
        id: app.id,
        title: 'Rotate the consumer secret of rotate-unconfirmed?',
        action: `/console/apps/${app.id}/secret`,
        button: 'Rotate consumer secret',
        consequence: SECRET_REFUSED,
      });
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).toBe(before.consumerSecretHash);
      expect(await tokenStatus('rotate-unconfirmed', app.secret)).toBe(200);
    });

    it('rotates once confirmed: the new secret shown once, the old one refused at the token endpoint', async () => {
      const app = await secretApp('rotate-confirmed');
      const ask = await browser.get(`/console/apps/${app.id}/secret`);
      const rotated = await browser.post(`/console/apps/${app.id}/secret`, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
      expect(rotated.statusCode).toBe(200);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(rotated.body).toContain('<h1>Consumer secret rotated</h1>');
      const secret = /id="consumer-secret" value="([^"]+)"/.exec(rotated.body)![1]!;
      expect(secret).not.toBe(app.secret);
      expect(await tokenStatus('rotate-confirmed', app.secret)).toBe(401);
      expect(await tokenStatus('rotate-confirmed', secret)).toBe(200);
    });

    it('refuses a confirmed POST without the CSRF token: 403, and the secret still works', async () => {
      const app = await secretApp('rotate-no-csrf');
      const response = await browser.post(`/console/apps/${app.id}/secret`, { confirm: 'yes' });
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain("The form&#39;s security token is missing or out of date");
      expect(await tokenStatus('rotate-no-csrf', app.secret)).toBe(200);
    });

    it('generates a first secret on one click: an app without one cuts no integration off', async () => {
      const { app } = await h.server.services.apps.create({ name: 'generate-direct', scopes: ['api'] });
      const page = await browser.get(`/console/apps/${app.id}`);
      expect(page.body).toContain('>Generate consumer secret</button>');
      const generated = await browser.post(`/console/apps/${app.id}/secret`, { csrf_token: csrfOf(page.body) });
      expect(generated.statusCode).toBe(200);
      expect(generated.body).toMatch(/id="consumer-secret" value="[A-Za-z0-9_-]{43}"/);
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).not.toBeNull();
    });
  });

  describe('deleting the consumer secret', () => {
    it('changes nothing on a POST without confirm=yes, and shows the confirmation page instead', async () => {
      const app = await secretApp('delete-unconfirmed');
      expect(app.page).toContain(`<a class="button danger" href="/console/apps/${app.id}/secret/delete">Delete consumer secret</a>`);
      expect(app.page).not.toContain(`action="/console/apps/${app.id}/secret/delete"`);
      const response = await browser.post(`/console/apps/${app.id}/secret/delete`, { csrf_token: csrfOf(app.page) });
      expect(response.statusCode).toBe(200);
      const expected = {
        id: app.id,
        title: 'Delete the consumer secret of delete-unconfirmed?',
        action: `/console/apps/${app.id}/secret/delete`,
        button: 'Delete consumer secret',
        consequence: SECRET_REFUSED,
      };
      expectConfirmationPage(response.body, expected);
      expectConfirmationPage((await browser.get(`/console/apps/${app.id}/secret/delete`)).body, expected);
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).not.toBeNull();
      expect(await tokenStatus('delete-unconfirmed', app.secret)).toBe(200);
    });

    it('deletes once confirmed, and the secret is refused at the token endpoint', async () => {
      const app = await secretApp('delete-confirmed');
      const ask = await browser.get(`/console/apps/${app.id}/secret/delete`);
      const deleted = await browser.post(`/console/apps/${app.id}/secret/delete`, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
      expect(deleted.statusCode).toBe(303);
      expect(deleted.headers.location).toBe(`/console/apps/${app.id}?saved=secret-deleted`);
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).toBeNull();
      expect(await tokenStatus('delete-confirmed', app.secret)).toBe(401);
    });

    it('refuses a confirmed POST without the CSRF token: 403, and the secret still works', async () => {
      const app = await secretApp('delete-no-csrf');
      const response = await browser.post(`/console/apps/${app.id}/secret/delete`, { confirm: 'yes' });
      expect(response.statusCode).toBe(403);
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).not.toBeNull();
      expect(await tokenStatus('delete-no-csrf', app.secret)).toBe(200);
    });

    it('sends the confirmation page of an app with no secret back to the app', async () => {
      const { app } = await h.server.services.apps.create({ name: 'no-secret', scopes: ['api'] });
      for (const path of ['secret', 'secret/delete']) {
        const response = await browser.get(`/console/apps/${app.id}/${path}`);
        expect(response.statusCode).toBe(303);
        expect(response.headers.location).toBe(`/console/apps/${app.id}`);
      }
    });
  });

  describe('removing a certificate', () => {
    async function certificateApp(name: string) {
      const notBefore = new Date(h.clock.now().getTime() - 60_000);
      const key = await generateKeyPairWithCertificate({ alg: 'ES256', subject: name, days: 30, notBefore });
      const { app } = await h.server.services.apps.create({ name, scopes: ['api'] });
      await h.server.services.apps.updateOAuthSettings({ id: app.id }, { certificatePem: key.certificatePem });
      const certificate = (await h.server.services.apps.get({ id: app.id })).certificates[0]!;
      const page = await browser.get(`/console/apps/${app.id}`);
      return { id: app.id, certificate, page: page.body, url: `/console/apps/${app.id}/certificates/${certificate.id}/remove` };
    }

    it('changes nothing on a POST without confirm=yes, and shows the confirmation page with the certificate', async () => {
      const app = await certificateApp('cert-unconfirmed');
      expect(app.page).toContain(`<a class="button danger" href="${app.url}">Remove certificate`);
      expect(app.page).not.toContain(`action="${app.url}"`);
      const response = await browser.post(app.url, { csrf_token: csrfOf(app.page) });
      expect(response.statusCode).toBe(200);
      const expected = { id: app.id, title: 'Remove a certificate of cert-unconfirmed?', action: app.url, button: 'Remove certificate', consequence: SIGNER_REFUSED };
      expectConfirmationPage(response.body, expected);
      expect(response.body).toContain("It is the app's last valid certificate");
      expect(response.body).toContain(formatFingerprint(app.certificate.fingerprintSha256));
      expectConfirmationPage((await browser.get(app.url)).body, expected);
      expect((await h.server.services.apps.get({ id: app.id })).certificates).toHaveLength(1);
    });

    it('removes once confirmed', async () => {
      const app = await certificateApp('cert-confirmed');
      const ask = await browser.get(app.url);
      const removed = await browser.post(app.url, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
      expect(removed.statusCode).toBe(303);
      expect(removed.headers.location).toBe(`/console/apps/${app.id}?saved=certificate-removed`);
      expect((await h.server.services.apps.get({ id: app.id })).certificates).toHaveLength(0);
    });

    it('refuses a confirmed POST without the CSRF token: 403, and the certificate stays', async () => {
      const app = await certificateApp('cert-no-csrf');
      const response = await browser.post(app.url, { confirm: 'yes' });
      expect(response.statusCode).toBe(403);
      expect((await h.server.services.apps.get({ id: app.id })).certificates).toHaveLength(1);
    });

    it('says an expired certificate cuts no integration off, and still asks', async () => {
      const app = await certificateApp('cert-expired');
      h.clock.advance(31 * 24 * 3600);
      try {
        // A month on, the first session has ended: a second administrator's browser.
        const later = new ConsoleBrowser(h.server);
        expect((await later.signIn()).statusCode).toBe(303);
        const page = await later.get(`/console/apps/${app.id}`);
        expect(page.body).toContain(`<a class="button danger" href="${app.url}">Remove certificate`);
        const response = await later.post(app.url, { csrf_token: csrfOf(page.body) });
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain('It expired on');
        expect(response.body).toContain('removing it cuts no integration off');
        expect(response.body).not.toContain(SIGNER_REFUSED);
        expect((await h.server.services.apps.get({ id: app.id })).certificates).toHaveLength(1);
      } finally {
        h.clock.advance(-31 * 24 * 3600);
        // Signing in a month on removed the shared browser's session as idle.
        expect((await browser.signIn()).statusCode).toBe(303);
      }
    });

    it('answers 404 for a certificate the app does not have', async () => {
      const app = await certificateApp('cert-unknown');
      const response = await browser.get(`/console/apps/${app.id}/certificates/no-such-certificate/remove`);
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('The app has no certificate no-such-certificate.');
    });
  });
});
