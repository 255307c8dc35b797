/**
 * The admin console over HTTP, without a browser: sign-in, lockout, TOTP, CSRF, the seed's
 * remediation (certificate upload and "Enable JWT Bearer Flow"), policies, users, the
 * one-time consumer secret, and the login history with its CSV export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/admin/console-auth-totp.js';
import { formatFingerprint } from '../../src/platform/x509.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { ADMIN, ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';
import { generateWeakRsaCertificatePem } from './weak-certificate.js';

/** The text of the page's alert, as a screen reader announces it. */
function alertOf(html: string): string | undefined {
  return /<div class="notice error" role="alert">([^<]*)<\/div>/.exec(html)?.[1];
}

describe('console', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function signedIn(): Promise<ConsoleBrowser> {
    const browser = new ConsoleBrowser(h.server);
    const response = await browser.signIn();
    expect(response.statusCode).toBe(303);
    return browser;
  }

  async function consoleEvents(username: string) {
    const { events } = await h.server.services.history.queryLoginHistory({ grant: 'console', username });
    return events;
  }

  describe('sign-in', () => {
    it('shows the labelled form under a strict CSP with no inline script', async () => {
      const response = await new ConsoleBrowser(h.server).get('/console/sign-in');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toContain('<label for="username">Username</label>');
      expect(response.body).toContain('<label for="password">Password</label>');
      expect(response.body).toContain('<button type="submit">Log in</button>');
      expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(response.body).not.toMatch(/\sstyle=/);
    });

    it('sends a visitor without a session to the sign-in page', async () => {
      const response = await new ConsoleBrowser(h.server).get('/console/apps');
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/console/sign-in');
    });

    it('signs an administrator in with an HttpOnly, SameSite=Strict session cookie and records the success', async () => {
      const browser = new ConsoleBrowser(h.server);
      const response = await browser.signIn();
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/console/apps');
      const cookie = response.cookies.find((c) => c.name === 'keygate_console')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Strict');
      expect((await browser.get('/console/apps')).statusCode).toBe(200);
      const [event] = await consoleEvents(ADMIN.username);
      expect(event).toMatchObject({ grant: 'console', credential: 'password', outcome: 'success', reason: 'ok' });
    });

    it('refuses a wrong password with a message and writes the failure to the login history', async () => {
      await h.server.services.users.create({ username: 'wrong@acme.test', permissions: ['ManageUsers'], password: 'the right password 1' });
      const response = await new ConsoleBrowser(h.server).signIn('wrong@acme.test', 'not the password');
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain('The username or password is incorrect.');
      const [event] = await consoleEvents('wrong@acme.test');
      expect(event).toMatchObject({ grant: 'console', outcome: 'failure', reason: 'password_invalid' });
    });

    it('refuses a user without ManageUsers even with the right password', async () => {
      await h.server.services.users.create({ username: 'plain@acme.test', password: 'a plain password 1' });
      const response = await new ConsoleBrowser(h.server).signIn('plain@acme.test', 'a plain password 1');
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain('must be active, unlocked and hold the ManageUsers permission');
      expect((await consoleEvents('plain@acme.test'))[0]?.reason).toBe('missing_manage_users');
    });

    it('locks the account for 15 minutes after 5 failures, even for the right password', async () => {
      await h.server.services.users.create({ username: 'lock@acme.test', permissions: ['ManageUsers'], password: 'the lock password 1' });
      const browser = new ConsoleBrowser(h.server);
      for (let i = 1; i <= 4; i += 1) expect((await browser.signIn('lock@acme.test', `guess ${i}`)).body).toContain('incorrect');
      const fifth = await browser.signIn('lock@acme.test', 'guess 5');
      const right = await browser.signIn('lock@acme.test', 'the lock password 1');
      expect(right.statusCode).toBe(401);
      expect((await consoleEvents('lock@acme.test'))[0]?.reason).toBe('account_locked');
      // A locked account is answered exactly like an unknown one: the page tells no username apart.
      const unknown = await browser.signIn('nobody@acme.test', 'guess 1');
      const generic = 'The username or password is incorrect. After 5 failed attempts in a row, an account is locked for 15 minutes.';
      for (const page of [fifth, right, unknown]) expect(alertOf(page.body)).toBe(generic);
      h.clock.advance(15 * 60 + 1);
      expect((await browser.signIn('lock@acme.test', 'the lock password 1')).statusCode).toBe(303);
    });

    it('refuses a sign-in form without its CSRF token', async () => {
      const browser = new ConsoleBrowser(h.server);
      await browser.get('/console/sign-in');
      const response = await browser.post('/console/sign-in', { username: ADMIN.username, password: ADMIN.password });
      expect(response.statusCode).toBe(403);
    });

    it('asks for a TOTP code when the user requires one, and accepts each code once', async () => {
      const user = await h.server.services.users.create({ username: 'totp@acme.test', permissions: ['ManageUsers'], password: 'the totp password 1' });
      const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
      await h.server.services.users.setTotpSecret({ id: user.id }, secret);
      const browser = new ConsoleBrowser(h.server);
      const first = await browser.signIn('totp@acme.test', 'the totp password 1');
      expect(first.headers.location).toBe('/console/sign-in/verify');
      expect((await browser.get('/console/apps')).statusCode).toBe(303);
      const form = await browser.get('/console/sign-in/verify');
      expect(form.body).toContain('Verification code');
      const wrong = await browser.post('/console/sign-in/verify', { csrf_token: csrfOf(form.body), code: '000000' === totpCode(secret, h.clock.now()) ? '111111' : '000000' });
      expect(wrong.statusCode).toBe(401);
      const code = totpCode(secret, h.clock.now());
      const ok = await browser.post('/console/sign-in/verify', { csrf_token: csrfOf(form.body), code });
      expect(ok.headers.location).toBe('/console/apps');
      expect((await browser.get('/console/apps')).statusCode).toBe(200);

      const again = new ConsoleBrowser(h.server);
      await again.signIn('totp@acme.test', 'the totp password 1');
      const form2 = await again.get('/console/sign-in/verify');
      const replay = await again.post('/console/sign-in/verify', { csrf_token: csrfOf(form2.body), code });
      expect(replay.statusCode).toBe(401);
      expect(replay.body).toContain('already been used');
    });

    it('signs out', async () => {
      const browser = await signedIn();
      const page = await browser.get('/console/apps');
      const out = await browser.post('/console/sign-out', { csrf_token: csrfOf(page.body) });
      expect(out.headers.location).toBe('/console/sign-in?signed_out=1');
      expect((await browser.get('/console/apps')).statusCode).toBe(303);
    });
  });

  describe('CSRF', () => {
    it('refuses a form without its CSRF token with 403 and changes nothing', async () => {
      const browser = await signedIn();
      const response = await browser.post('/console/apps', { name: 'csrf-app', scopes: 'api' });
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('security token is missing');
      expect((await h.server.services.apps.list()).some((a) => a.name === 'csrf-app')).toBe(false);
    });

    it('refuses another session\'s CSRF token', async () => {
      const a = await signedIn();
      const b = await signedIn();
      const tokenOfA = csrfOf((await a.get('/console/apps/new')).body);
      expect((await b.post('/console/apps', { csrf_token: tokenOfA, name: 'csrf-app-2', scopes: 'api' })).statusCode).toBe(403);
    });
  });

  describe('External Client Apps', () => {
    it('lists apps with a "New External Client App" button', async () => {
      const browser = await signedIn();
      const page = await browser.get('/console/apps');
      expect(page.body).toContain('External Client App Manager');
      expect(page.body).toContain('<button type="submit">New External Client App</button>');
    });

    it('performs the seed remediation: refusals first, then certificate + "Enable JWT Bearer Flow"', async () => {
      const browser = await signedIn();
      const form = await browser.get('/console/apps/new');
      const created = await browser.post('/console/apps', { csrf_token: csrfOf(form.body), name: 'erp', contactEmail: 'ops@acme.test', scopes: 'api' });
      expect(created.statusCode).toBe(303);
      const appUrl = created.headers.location!.split('?')[0]!;
      const settings = await browser.get(`${appUrl}/oauth`);
      expect(settings.body).toContain('<label for="certificate">Certificate</label>');
      expect(settings.body).toContain('Enable JWT Bearer Flow');
      expect(settings.body).toContain('enctype="multipart/form-data"');
      const csrf = csrfOf(settings.body);

      const noCert = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' });
      expect(noCert.statusCode).toBe(409);
      expect(noCert.body).toContain('The JWT Bearer flow needs a currently valid certificate on the app: upload the X.509 certificate');

      const notPem = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'x.pem', content: 'hello' });
      expect(notPem.statusCode).toBe(422);
      expect(notPem.body).toContain('The certificate was refused: the file is not a PEM certificate');

      const oversized = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'big.pem', content: 'x'.repeat(40 * 1024) });
      expect(oversized.statusCode).toBe(413);
      expect(alertOf(oversized.body)).toBe('The file &quot;big.pem&quot; is larger than 32 KiB.');

      const weak = await generateWeakRsaCertificatePem({ subject: 'weak', days: 30 });
      const weakResponse = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'weak.pem', content: weak });
      expect(weakResponse.body).toContain('RSA key has 1024 bits; at least 2048 are required');

      const expired = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'old', days: 1, notBefore: new Date(h.clock.now().getTime() - 3 * 86_400_000) });
      const expiredResponse = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'old.pem', content: expired.certificatePem });
      expect(expiredResponse.body).toContain('The certificate was refused: the certificate expired on');

      const key = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'erp-integration', days: 365, notBefore: new Date(h.clock.now().getTime() - 60_000) });
      const saved = await browser.postMultipart(`${appUrl}/oauth`, { csrf_token: csrf, jwtBearer: 'on', scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'erp.crt.pem', content: key.certificatePem });
      expect(saved.statusCode).toBe(303);
      const page = await browser.get(saved.headers.location!);
      expect(page.body).toContain('OAuth settings saved.');
      expect(page.body).toContain('JWT Bearer Flow: <strong>Enabled</strong>');
      expect(page.body).toContain('CN=erp-integration');
      const app = await h.server.services.apps.get({ name: 'erp' });
      expect(app.flows.jwtBearer).toBe(true);
      expect(page.body).toContain(formatFingerprint(app.certificates[0]!.fingerprintSha256));
      for (const section of ['OAuth Settings', 'Policies', 'Certificates', 'Recent Activity']) expect(page.body).toContain(`>${section}</h2>`);
    });

    it('shows a consumer secret once, on creation, with a copy button', async () => {
      const browser = await signedIn();
      const form = await browser.get('/console/apps/new');
      const created = await browser.post('/console/apps', { csrf_token: csrfOf(form.body), name: 'cc-app', scopes: 'api', generateSecret: 'on' });
      expect(created.statusCode).toBe(200);
      expect(created.headers['cache-control']).toBe('no-store');
      const secret = /id="consumer-secret" value="([^"]+)"/.exec(created.body)![1]!;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.body).toContain('data-copy-target="consumer-secret"');
      const app = await h.server.services.apps.get({ name: 'cc-app' });
      const page = await browser.get(`/console/apps/${app.id}`);
      expect(page.body).not.toContain(secret);
      expect(page.body).toContain('never shown again');
      const ask = await browser.get(`/console/apps/${app.id}/secret/delete`);
      const deleted = await browser.post(`/console/apps/${app.id}/secret/delete`, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
      expect(deleted.headers.location).toBe(`/console/apps/${app.id}?saved=secret-deleted`);
      expect((await h.server.services.apps.get({ id: app.id })).consumerSecretHash).toBeNull();
    });

    it("refuses to remove a JWT Bearer app's last valid certificate, and says why on the app's page", async () => {
      const browser = await signedIn();
      const key = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'last-cert', days: 30, notBefore: new Date(h.clock.now().getTime() - 60_000) });
      const { app } = await h.server.services.apps.create({ name: 'last-cert-app', scopes: ['api'] });
      await h.server.services.apps.updateOAuthSettings({ id: app.id }, { certificatePem: key.certificatePem, flows: { jwtBearer: true } });
      const certificate = (await h.server.services.apps.get({ id: app.id })).certificates[0]!;
      const ask = await browser.get(`/console/apps/${app.id}/certificates/${certificate.id}/remove`);
      const refused = await browser.post(`/console/apps/${app.id}/certificates/${certificate.id}/remove`, { csrf_token: csrfOf(ask.body), confirm: 'yes' });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('This is the app&#39;s last valid certificate and the JWT Bearer flow is on: add the replacement certificate first, or disable the flow.');
      expect(refused.body).toContain('>Certificates</h2>');
      expect(refused.body).toContain(formatFingerprint(certificate.fingerprintSha256));
      expect((await h.server.services.apps.get({ id: app.id })).certificates).toHaveLength(1);
    });

    it('validates trusted IP ranges as CIDR and saves policies', async () => {
      const browser = await signedIn();
      // Settings the policies form does not show, which saving it must keep.
      const app = (await h.server.services.apps.create({ name: 'policy-app', scopes: ['api', 'refresh_token'], accessTokenFormat: 'opaque', requireJti: false })).app;
      const form = await browser.get(`/console/apps/${app.id}/policies`);
      for (const label of ['Permitted users', 'Profiles', 'Permission sets', 'IP relaxation', 'Trusted IP ranges', 'Session timeout (minutes)']) {
        expect(form.body).toContain(`>${label}</label>`);
      }
      const fields = { csrf_token: csrfOf(form.body), permittedUsers: 'adminApproved', profiles: 'Integration', permissionSets: 'ERP Access', ipRelaxation: 'enforce', sessionTimeoutMinutes: '15' };
      const bad = await browser.post(`/console/apps/${app.id}/policies`, { ...fields, trustedIpRanges: '10.0.0.0/33' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('&quot;10.0.0.0/33&quot; is not a valid CIDR range');
      const ok = await browser.post(`/console/apps/${app.id}/policies`, { ...fields, trustedIpRanges: '203.0.113.0/24\n2001:db8::/32' });
      expect(ok.statusCode).toBe(303);
      const saved = await h.server.services.apps.get({ id: app.id });
      expect(saved).toMatchObject({ scopes: app.scopes, accessTokenFormat: 'opaque', requireJti: false });
      expect(saved.policies).toMatchObject({ profiles: ['Integration'], permissionSets: ['ERP Access'], trustedIpRanges: ['203.0.113.0/24', '2001:db8::/32'], sessionTimeoutMinutes: 15 });
    });

    it('escapes what users typed', async () => {
      const browser = await signedIn();
      const form = await browser.get('/console/apps/new');
      await browser.post('/console/apps', { csrf_token: csrfOf(form.body), name: '<script>alert(1)</script>', scopes: 'api' });
      const list = await browser.get('/console/apps');
      expect(list.body).not.toContain('<script>alert(1)</script>');
      expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });

  describe('users', () => {
    it('creates, deactivates and locks a user, and assigns profile and permission sets', async () => {
      const browser = await signedIn();
      const list = await browser.get('/console/users');
      const created = await browser.post('/console/users', {
        csrf_token: csrfOf(list.body),
        username: 'svc@acme.test',
        email: 'svc@acme.test',
        profile: 'Integration',
        permissionSets: 'ERP Access',
        permissions: '',
        password: '',
      });
      expect(created.statusCode).toBe(303);
      const url = created.headers.location!.split('?')[0]!;
      // Set outside the form, which does not show it: every console change must keep it.
      await h.server.services.users.update({ username: 'svc@acme.test' }, { loginIpRanges: ['10.0.0.0/8'] });
      const page = await browser.get(url);
      const csrf = csrfOf(page.body);
      await browser.post(url, { csrf_token: csrf, email: 'svc@acme.test', profile: 'Minimal', permissionSets: 'ERP Access\nReports', permissions: '', password: '' });
      await browser.post(`${url}/status`, { csrf_token: csrf, action: 'deactivate' });
      await browser.post(`${url}/status`, { csrf_token: csrf, action: 'lock' });
      const user = await h.server.services.users.get({ username: 'svc@acme.test' });
      expect(user).toMatchObject({ profile: 'Minimal', permissionSets: ['ERP Access', 'Reports'], active: false, locked: true, loginIpRanges: ['10.0.0.0/8'] });
    });

    it('does not let an administrator lock themselves out', async () => {
      const browser = await signedIn();
      const me = await h.server.services.users.get({ username: ADMIN.username });
      const page = await browser.get(`/console/users/${me.id}`);
      const response = await browser.post(`/console/users/${me.id}/status`, { csrf_token: csrfOf(page.body), action: 'deactivate' });
      expect(response.statusCode).toBe(409);
      expect((await h.server.services.users.get({ id: me.id })).active).toBe(true);
    });
  });

  describe('Security Health Review', () => {
    it('shows the seed control failing, then passing after the remediation, with the score going up', async () => {
      await h.server.services.users.create({ username: 'erp-svc@acme.test', profile: 'Integration' });
      const legacy = await h.server.services.apps.create({
        name: 'legacy-erp',
        generateSecret: true,
        clientCredentialsRunAs: 'erp-svc@acme.test',
        flows: { clientCredentials: true },
      });
      const browser = await signedIn();
      const empty = await browser.get('/console/review');
      const first = await browser.post('/console/review/run', { csrf_token: csrfOf(empty.body) });
      expect(first.headers.location).toBe('/console/review?saved=run');
      const before = await browser.get('/console/review');
      expect(before.body).toContain('role="img" aria-labelledby="gauge-title"');
      const group = before.body.slice(before.body.indexOf(`id="app-${legacy.app.id}"`));
      const seed = group.slice(0, group.indexOf('</section>')).split('<article').find((a) => a.includes('<code>eca.oauth-flow.jwt-bearer-enabled</code>'))!;
      expect(seed).toContain('Enable JWT Bearer Flow');
      expect(seed).toContain('Failing');
      expect(seed).toContain(`href="/console/apps/${legacy.app.id}/oauth"`);
      const scoreBefore = Number(/Score (\d+) out of 100/.exec(before.body)![1]);

      const key = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'legacy-erp', days: 365, notBefore: new Date(h.clock.now().getTime() - 60_000) });
      const settings = await browser.get(`/console/apps/${legacy.app.id}/oauth`);
      const saved = await browser.postMultipart(
        `/console/apps/${legacy.app.id}/oauth`,
        { csrf_token: csrfOf(settings.body), jwtBearer: 'on', scopes: 'api', runAs: 'erp-svc@acme.test' },
        { name: 'certificate', filename: 'legacy.crt.pem', content: key.certificatePem },
      );
      expect(saved.statusCode).toBe(303);
      await browser.post('/console/review/run', { csrf_token: csrfOf(settings.body) });
      const after = await browser.get('/console/review');
      const afterGroup = after.body.slice(after.body.indexOf(`id="app-${legacy.app.id}"`));
      expect(afterGroup.slice(0, afterGroup.indexOf('</section>'))).toMatch(/External Client Apps: OAuth Flow Enablement: Enable JWT Bearer Flow: Passing/);
      const scoreAfter = Number(/Score (\d+) out of 100/.exec(after.body)![1]);
      expect(scoreAfter).toBeGreaterThan(scoreBefore);
      expect(after.body).toContain('<title id="chart-title">Score over time</title>');
      expect(after.body).toContain('<polyline');
    });

    it('accepts a risk with reason, owner and expiry, and revokes it', async () => {
      const browser = await signedIn();
      const page = await browser.get('/console/review');
      const match = /<input type="hidden" name="control" value="([^"]+)"><input type="hidden" name="subject" value="([^"]+)">/.exec(page.body)!;
      const expires = new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
      const missing = await browser.post('/console/review/accept', { csrf_token: csrfOf(page.body), control: match[1]!, subject: match[2]!, reason: '', owner: 'me', expires });
      expect(missing.body).toContain('The risk was not accepted');
      const accepted = await browser.post('/console/review/accept', { csrf_token: csrfOf(page.body), control: match[1]!, subject: match[2]!, reason: 'Vendor migration in Q3', owner: 'Ops', expires });
      expect(accepted.headers.location).toBe('/console/review?saved=accepted');
      const after = await browser.get('/console/review');
      expect(after.body).toContain('Vendor migration in Q3');
      const risks = await h.server.services.reviews.listAcceptedRisks();
      const risk = risks.find((r) => r.reason === 'Vendor migration in Q3')!;
      const revoked = await browser.post(`/console/review/accepted/${risk.id}/revoke`, { csrf_token: csrfOf(after.body) });
      expect(revoked.headers.location).toBe('/console/review?saved=revoked');
      expect((await h.server.services.reviews.listAcceptedRisks()).some((r) => r.id === risk.id)).toBe(false);
    });
  });

  describe('org settings', () => {
    const orgForm = (csrf: string, overrides: Record<string, string> = {}) => ({
      csrf_token: csrf,
      name: 'Acme Corp',
      baseUrl: 'https://keygate.acme.test',
      extraAudiences: 'https://login.salesforce.com\nhttps://test.salesforce.com',
      clockSkewSeconds: '45',
      maxAssertionLifetimeSeconds: '180',
      accessTokenLifetimeSeconds: '1800',
      requireAsymmetricM2M: 'on',
      ...overrides,
    });

    it('shows the org settings and saves a change through the same service as the admin API', async () => {
      const browser = await signedIn();
      const before = await h.server.services.orgs.get();
      const page = await browser.get('/console/org');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`value="${before.baseUrl}"`);
      expect(page.body).toContain('<a href="/console/org" aria-current="page">Org Settings</a>');
      try {
        const saved = await browser.post('/console/org', orgForm(csrfOf(page.body)));
        expect(saved.statusCode).toBe(303);
        expect(saved.headers.location).toBe('/console/org?saved=1');
        expect(await h.server.services.orgs.get()).toEqual({
          id: before.id,
          name: 'Acme Corp',
          baseUrl: 'https://keygate.acme.test',
          extraAudiences: ['https://login.salesforce.com', 'https://test.salesforce.com'],
          clockSkewSeconds: 45,
          maxAssertionLifetimeSeconds: 180,
          accessTokenLifetimeSeconds: 1800,
          requireAsymmetricM2M: true,
        });
        expect((await browser.get('/console/org?saved=1')).body).toContain('Org settings saved.');
      } finally {
        const { id: _id, ...settings } = before;
        await h.server.services.orgs.upsert({ ...settings, extraAudiences: [...settings.extraAudiences] });
      }
    });

    it('refuses an out-of-range time or a bad URL with 422, names the field, keeps what was typed, and saves nothing', async () => {
      const browser = await signedIn();
      const before = await h.server.services.orgs.get();
      const csrf = csrfOf((await browser.get('/console/org')).body);
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ clockSkewSeconds: '301' }, 'clockSkewSeconds', 'Clock skew (seconds): enter a whole number from 0 to 300.'],
        [{ accessTokenLifetimeSeconds: '1.5' }, 'accessTokenLifetimeSeconds', 'Access-token lifetime (seconds): enter a whole number from 60 to 86400.'],
        [{ baseUrl: 'ftp://keygate.acme.test' }, 'baseUrl', 'Base URL: must be an http(s) URL.'],
        [{ extraAudiences: 'not a url' }, 'extraAudiences', 'Extra audiences: must be an http(s) URL.'],
      ];
      for (const [change, field, message] of cases) {
        const response = await browser.post('/console/org', orgForm(csrf, change));
        expect(response.statusCode, field).toBe(422);
        expect(response.body, field).toContain(`<span class="field-error" id="${field}-error">${message}</span>`);
        expect(response.body, field).toContain(`aria-invalid="true"`);
        expect(response.body, field).toContain('value="Acme Corp"');
      }
      expect(await h.server.services.orgs.get()).toEqual(before);
    });

    it('refuses a change without the CSRF token', async () => {
      const browser = await signedIn();
      const before = await h.server.services.orgs.get();
      const { csrf_token: _csrf, ...withoutToken } = orgForm('');
      expect((await browser.post('/console/org', withoutToken)).statusCode).toBe(403);
      expect(await h.server.services.orgs.get()).toEqual(before);
    });
  });

  describe('login history', () => {
    it('filters by outcome and user, paginates, and exports CSV', async () => {
      const browser = await signedIn();
      const page = await browser.get(`/console/login-history?user=${encodeURIComponent('wrong@acme.test')}&outcome=failure`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('password_invalid');
      expect(page.body).not.toContain('>ok</code>');
      const csv = await browser.get('/console/login-history.csv?outcome=failure');
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toContain('attachment');
      const [header, ...rows] = csv.body.trim().split('\r\n');
      expect(header).toBe('at,outcome,grant,appName,username,clientAddress,errorCode,reason,credential,certificateFingerprint,jtiHash,appId,userId,id,scope');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.split(',')[1] === 'failure')).toBe(true);
    });
  });
});
