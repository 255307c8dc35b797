/**
 * The Health Review on the admin API (/admin/api/v1/reviews, /accepted-risks) on a real Keygate
 * (SQLite in a temp directory, frozen clock), driven in-process. The traffic the review reads
 * comes from real token requests to the token endpoint, and the remediation goes through the
 * admin API itself, as an administrator would do it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ADMIN_API_PREFIX } from '../../src/http/admin-api/admin-api-routes.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { expectProblem, PROBLEM_CONTENT_TYPE } from '../helpers/expect-problem.js';
import { type AdminMethod, adminCliApp, adminRequest, jwtBearerToken } from '../helpers/admin-api-client.js';

const BASE_URL = 'https://keygate.test';
const API = ADMIN_API_PREFIX;
const ADMIN = 'admin@acme.test';
const SVC = 'svc@acme.test';
const PW = 'pw@acme.test';
const EXPORT_APP = 'Nightly Export';
const PASSWORD_APP = 'Legacy Password';
const SEED = 'eca.oauth-flow.jwt-bearer-enabled';
const USERNAME_PASSWORD = 'eca.oauth-flow.username-password-disabled';
const JSON_TYPE = 'application/json; charset=utf-8';
const DAY = 86_400;
/** The frozen instant the org is reviewed at (the configuration is applied a day earlier). */
const T0 = new Date('2026-06-15T12:00:00.000Z');

interface WireFinding {
  control: string;
  subject: string;
  status: string;
  evaluatedStatus: string;
  severity: string;
  cvss: { score: number; vector: string; vectorScore: number } | null;
  evidence: string;
  acceptance?: { owner: string; reason: string; expires: string; outcome: string; note: string };
}

describe('admin API: Health Review', () => {
  const clock = new FixedClock(new Date(T0.getTime() - DAY * 1000));
  const secrets = { export: `ex-${randomBytes(24).toString('base64url')}`, password: `pa-${randomBytes(24).toString('base64url')}`, user: `pw-${randomBytes(24).toString('base64url')}` };
  let server: RunningKeygate;
  let dataDir: string;
  let adminKey: string;
  let adminToken: string;

  async function refreshAdminToken(): Promise<void> {
    adminToken = await jwtBearerToken(server, { clientId: 'admin-cli', username: ADMIN, key: adminKey, audience: BASE_URL, clock });
  }

  function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    return server.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });
  }

  const basic = (clientId: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` });

  const api = (method: AdminMethod, path: string, body?: unknown) => adminRequest(server, adminToken, method, path, body);

  /** Moves the clock on and gets an admin token valid at the new instant. */
  async function advance(seconds: number): Promise<void> {
    clock.advance(seconds);
    await refreshAdminToken();
  }

  async function runReview(body?: unknown): Promise<{ id: string; score: number; findings: WireFinding[] }> {
    const res = await api('POST', '/reviews', body);
    expect(res.statusCode, res.body).toBe(201);
    const review = res.json();
    return { id: review.id, score: review.score, findings: review.report.findings };
  }

  const findingOf = (findings: readonly WireFinding[], control: string, subject: string): WireFinding => {
    const found = findings.find((f) => f.control === control && f.subject === subject);
    if (!found) throw new Error(`no finding of ${control} on ${subject}`);
    return found;
  };

  beforeAll(async () => {
    const notBefore = new Date(clock.now().getTime() - 60_000);
    const admin = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'admin-cli', days: 365, notBefore });
    adminKey = admin.privateKeyPem;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-admin-review-'));
    const config = parseConfig(
      JSON.stringify({
        org: { name: 'Acme', baseUrl: BASE_URL },
        users: [
          { username: ADMIN, profile: 'System Administrator', permissions: ['ApiEnabled', 'ManageUsers'] },
          { username: SVC, profile: 'Integration' },
          { username: PW, profile: 'Integration', passwordEnv: 'PW_PASSWORD' },
        ],
        apps: [
          adminCliApp(admin.certificatePem),
          {
            name: EXPORT_APP,
            consumerKey: 'nightly-export',
            scopes: ['api'],
            flows: { clientCredentials: true },
            clientCredentialsRunAs: SVC,
            consumerSecretEnv: 'EXPORT_SECRET',
          },
          {
            name: PASSWORD_APP,
            consumerKey: 'legacy-password',
            scopes: ['api'],
            flows: { usernamePassword: true },
            consumerSecretEnv: 'PASSWORD_APP_SECRET',
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
      { baseDir: dataDir, env: { EXPORT_SECRET: secrets.export, PASSWORD_APP_SECRET: secrets.password, PW_PASSWORD: secrets.user } },
    );
    server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);
    clock.set(T0);
    await refreshAdminToken();

    // Real traffic: the export job authenticates with its consumer secret, the legacy
    // integration with a user's password (twice, an hour apart).
    expect((await token({ grant_type: 'client_credentials' }, basic('nightly-export', secrets.export))).statusCode).toBe(200);
    expect((await token({ grant_type: 'password', username: PW, password: secrets.user }, basic('legacy-password', secrets.password))).statusCode).toBe(200);
    clock.advance(3600);
    expect((await token({ grant_type: 'password', username: PW, password: secrets.user }, basic('legacy-password', secrets.password))).statusCode).toBe(200);
    await refreshAdminToken();
  });

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Shared by the tests below, which run in order.
  let first: { id: string; score: number; findings: WireFinding[] };
  let second: { id: string; score: number; findings: WireFinding[] };

  it('refuses every review route without an admin token: 401', async () => {
    const routes: [string, string][] = [
      ['POST', '/reviews'],
      ['GET', '/reviews'],
      ['GET', '/reviews/00000000-0000-4000-8000-000000000000'],
      ['GET', '/reviews/compare?before=a&after=b'],
      ['GET', '/accepted-risks'],
      ['POST', '/accepted-risks'],
      ['DELETE', '/accepted-risks/x'],
      ['GET', `/reviews/fix-plan?control=${USERNAME_PASSWORD}&app=x`],
      ['POST', '/reviews/fix'],
    ];
    for (const [method, path] of routes) {
      const res = await server.app.inject({ method: method as 'GET', url: `${API}${path}` });
      expect(res.statusCode, `${method} ${path}`).toBe(401);
      expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin"');
      expect(res.json()).toMatchObject({ code: 'unauthorized', status: 401 });
    }
    expect((await api('GET', '/reviews')).json()).toEqual({ items: [] });
  });

  it('POST /reviews runs a review and keeps it: score, grade and findings, with the seed control failing on a secret-based app', async () => {
    const res = await api('POST', '/reviews');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.headers['cache-control']).toBe('no-store');
    const review = res.json();
    expect(res.headers.location).toBe(`${API}/reviews/${review.id}`);
    expect(review).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      generatedAt: clock.now().toISOString(),
      score: expect.any(Number),
      grade: expect.stringMatching(/^(Excellent|Very Good|Good|Poor|Very Poor)$/),
      baseline: 'standard',
      appCount: 3,
      summary: review.report.summary,
      report: {
        score: review.score,
        grade: review.grade,
        baseline: 'standard',
        generatedAt: clock.now().toISOString(),
        source: 'keygate-store',
        appCount: 3,
        trafficWindow: { since: new Date(clock.now().getTime() - 90 * DAY * 1000).toISOString(), until: clock.now().toISOString() },
        summary: { fail: expect.any(Number), warn: expect.any(Number), unknown: 0, accepted: 0, pass: expect.any(Number), not_applicable: expect.any(Number) },
        findings: expect.any(Array),
      },
    });
    expect(review.score).toBeGreaterThanOrEqual(0);
    expect(review.score).toBeLessThan(100);
    const findings = review.report.findings as WireFinding[];
    expect(Object.values(review.summary as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(findings.length);

    const seed = findingOf(findings, SEED, EXPORT_APP);
    expect(seed).toMatchObject({
      status: 'fail',
      evaluatedStatus: 'fail',
      severity: 'high',
      cvss: { score: expect.any(Number), vector: expect.stringMatching(/^CVSS:3\.1\//) },
      evidence: 'The app authenticates machine to machine with client credentials while the JWT Bearer flow is off.',
    });
    expect(seed.cvss!.score).toBeGreaterThanOrEqual(7.0);
    expect(seed.cvss!.score).toBeLessThanOrEqual(8.9);
    expect(findingOf(findings, SEED, 'Admin CLI')).toMatchObject({ status: 'pass', cvss: null });
    expect(findingOf(findings, 'traffic.secret-authentication', EXPORT_APP)).toMatchObject({
      status: 'fail',
      evidence: `1 token request was authenticated with a secret by ${SVC}, last on 2026-06-15.`,
    });

    const stored = await api('GET', `/reviews/${review.id}`);
    expect(stored.statusCode).toBe(200);
    expect(stored.headers['content-type']).toBe(JSON_TYPE);
    expect(stored.json()).toEqual(review);
    first = { id: review.id, score: review.score, findings };
  });

  it('the seed control passes once the app is moved to JWT Bearer through the admin API, and the score goes up', async () => {
    await advance(60);
    const keys = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'nightly-export', days: 365, notBefore: new Date(clock.now().getTime() - 60_000) });
    const app = encodeURIComponent(EXPORT_APP);
    expect((await api('POST', `/apps/${app}/certificates`, { pem: keys.certificatePem })).statusCode).toBe(201);
    expect((await api('PUT', `/apps/${app}/flows/jwt-bearer`, { enabled: true })).json().flows).toEqual({ jwtBearer: true, clientCredentials: true, usernamePassword: false });
    const midway = await runReview();
    expect(findingOf(midway.findings, SEED, EXPORT_APP)).toMatchObject({ status: 'warn', evidence: 'JWT Bearer is on, but client credentials still accepts a secret.' });
    expect(midway.score).toBeGreaterThan(first.score);

    await advance(60);
    expect((await api('PUT', `/apps/${app}/flows/client-credentials`, { enabled: false })).json().flows).toEqual({ jwtBearer: true, clientCredentials: false, usernamePassword: false });
    second = await runReview();
    expect(findingOf(second.findings, SEED, EXPORT_APP)).toMatchObject({
      status: 'pass',
      evaluatedStatus: 'pass',
      cvss: null,
      evidence: expect.stringMatching(/^JWT Bearer is on with a valid certificate until \d{4}-\d\d-\d\d, and no secret-based flow is enabled\.$/),
    });
    expect(second.score).toBeGreaterThan(midway.score);
  });

  it('GET /reviews lists past reviews with their scores, newest first, and honours limit', async () => {
    const res = await api('GET', '/reviews');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const items = res.json().items as { id: string; score: number; generatedAt: string }[];
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ id: second.id, generatedAt: clock.now().toISOString(), score: second.score, grade: expect.any(String), baseline: 'standard', appCount: 3 });
    expect(items[2]).toMatchObject({ id: first.id, score: first.score });
    expect(items.map((i) => i.generatedAt)).toEqual([...items.map((i) => i.generatedAt)].sort().reverse());
    const one = await api('GET', '/reviews?limit=1');
    expect(one.json()).toEqual({ items: [items[0]] });
  });

  it('GET /reviews/compare says what changed and why the score moved', async () => {
    const res = await api('GET', `/reviews/compare?before=${first.id}&after=${second.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const comparison = res.json();
    expect(comparison).toEqual({
      before: first.id,
      after: second.id,
      scoreBefore: first.score,
      scoreAfter: second.score,
      scoreDelta: second.score - first.score,
      gradeBefore: expect.any(String),
      gradeAfter: expect.any(String),
      sameBaseline: true,
      changes: expect.any(Array),
    });
    expect(comparison.scoreDelta).toBeGreaterThan(0);
    expect(comparison.changes).toContainEqual({
      control: SEED,
      subject: EXPORT_APP,
      before: { status: 'fail', severity: 'high' },
      after: { status: 'pass', severity: expect.any(String), evidence: findingOf(second.findings, SEED, EXPORT_APP).evidence },
      weightDelta: 5,
      scoreEffect: expect.any(Number),
    });
    expect(comparison.changes).toContainEqual({
      control: 'eca.oauth-flow.client-credentials-constrained',
      subject: EXPORT_APP,
      before: { status: 'fail', severity: 'high' },
      after: { status: 'pass', severity: 'high', evidence: 'The client credentials flow is off.' },
      weightDelta: 5,
      scoreEffect: expect.any(Number),
    });
    // A leftover secret no flow uses is why not every change raised the score.
    expect(comparison.changes).toContainEqual({
      control: 'eca.consumer-secret.rotation',
      subject: EXPORT_APP,
      before: { status: 'pass', severity: 'medium' },
      after: { status: 'warn', severity: 'low', evidence: 'The app has a consumer secret but no enabled flow uses it; delete it.' },
      weightDelta: -1.5,
      scoreEffect: expect.any(Number),
    });
    const changes = comparison.changes as { subject: string; weightDelta: number; scoreEffect: number }[];
    expect(new Set(changes.map((c) => c.subject))).toEqual(new Set([EXPORT_APP]));
    // Largest effect on the score first.
    expect(changes.map((c) => Math.abs(c.scoreEffect))).toEqual(changes.map((c) => Math.abs(c.scoreEffect)).sort((a, b) => b - a));
    const back = (await api('GET', `/reviews/compare?before=${second.id}&after=${first.id}`)).json();
    expect(back.scoreDelta).toBe(-comparison.scoreDelta);
  });

  describe('accepted risks', () => {
    let riskId: string;

    it('POST /accepted-risks accepts a failing finding with a reason, an owner and an expiry; the next review shows it accepted', async () => {
      const res = await api('POST', '/accepted-risks', {
        control: USERNAME_PASSWORD,
        subject: PASSWORD_APP,
        reason: 'Vendor ships JWT support in Q3',
        owner: 'ops@acme.test',
        expires: '2026-07-15',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      const risk = res.json();
      riskId = risk.id;
      expect(res.headers.location).toBe(`${API}/accepted-risks/${risk.id}`);
      expect(risk).toEqual({
        id: expect.any(String),
        control: USERNAME_PASSWORD,
        subject: PASSWORD_APP,
        reason: 'Vendor ships JWT support in Q3',
        owner: 'ops@acme.test',
        expires: '2026-07-15T23:59:59.999Z',
        acceptedAt: clock.now().toISOString(),
        state: 'fail||enabled',
      });
      expect((await api('GET', '/accepted-risks')).json()).toEqual({ items: [risk] });

      const review = await runReview();
      expect(findingOf(review.findings, USERNAME_PASSWORD, PASSWORD_APP)).toMatchObject({
        status: 'accepted',
        evaluatedStatus: 'fail',
        acceptance: {
          owner: 'ops@acme.test',
          reason: 'Vendor ships JWT support in Q3',
          expires: '2026-07-15',
          outcome: 'accepted',
          note: 'Accepted by ops@acme.test until 2026-07-15: Vendor ships JWT support in Q3',
        },
      });
      // Accepting does not remove the risk from the score.
      expect(review.score).toBe(second.score);
    });

    it('an expired acceptance reopens the finding and says so', async () => {
      await advance(31 * DAY);
      const review = await runReview();
      expect(findingOf(review.findings, USERNAME_PASSWORD, PASSWORD_APP)).toMatchObject({
        status: 'fail',
        evaluatedStatus: 'fail',
        acceptance: { outcome: 'expired', note: 'Reopened: the acceptance by ops@acme.test expired on 2026-07-15.' },
      });
    });

    it('DELETE /accepted-risks/{id} revokes it: 204, gone from the list and from the next review; again is 404', async () => {
      const res = await api('DELETE', `/accepted-risks/${riskId}`);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect((await api('GET', '/accepted-risks')).json()).toEqual({ items: [] });
      const review = await runReview();
      const finding = findingOf(review.findings, USERNAME_PASSWORD, PASSWORD_APP);
      expect(finding.status).toBe('fail');
      expect(finding).not.toHaveProperty('acceptance');
      expectProblem(await api('DELETE', `/accepted-risks/${riskId}`), 404, { code: 'not_found', detail: `no accepted risk with id ${riskId}` });
    });
  });

  describe('fixes', () => {
    it('GET /reviews/fix-plan shows the change and the integration that would break, from real traffic, and changes nothing', async () => {
      const res = await api('GET', `/reviews/fix-plan?control=${USERNAME_PASSWORD}&app=${encodeURIComponent(PASSWORD_APP)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.json()).toEqual({
        control: USERNAME_PASSWORD,
        app: PASSWORD_APP,
        changes: [{ change: { kind: 'disableFlow', flow: 'usernamePassword' }, setting: 'flows.usernamePassword', from: 'true', to: 'false' }],
        breaks: [
          {
            username: PW,
            address: null,
            requests: 2,
            lastSeen: new Date(T0.getTime() + 3600_000).toISOString(),
            reason: 'obtained tokens with the password grant, last on 2026-06-15',
          },
        ],
        blocked: null,
        summary: 'flows.usernamePassword: true → false. 1 integration would break.',
      });
      // The app may be named by id too.
      const id = (await api('GET', `/apps/${encodeURIComponent(PASSWORD_APP)}`)).json().id as string;
      expect((await api('GET', `/reviews/fix-plan?control=${USERNAME_PASSWORD}&app=${id}`)).json()).toEqual(res.json());
      expect((await api('GET', `/apps/${id}`)).json().flows.usernamePassword).toBe(true);
    });

    it('POST /reviews/fix refuses without confirm: true, and changes nothing', async () => {
      for (const body of [
        { control: USERNAME_PASSWORD, app: PASSWORD_APP },
        { control: USERNAME_PASSWORD, app: PASSWORD_APP, confirm: false },
        { control: USERNAME_PASSWORD, app: PASSWORD_APP, confirm: 'yes' },
      ]) {
        expectProblem(await api('POST', '/reviews/fix', body), 422, {
          code: 'validation_failed',
          field: 'confirm',
          detail: 'confirm: must be true to apply the change; GET /reviews/fix-plan shows it first',
        });
      }
      expect((await api('GET', `/apps/${encodeURIComponent(PASSWORD_APP)}`)).json().flows.usernamePassword).toBe(true);
    });

    it('POST /reviews/fix with confirm applies the plan and returns it; the finding then passes; a second apply changes nothing', async () => {
      const res = await api('POST', '/reviews/fix', { control: USERNAME_PASSWORD, app: PASSWORD_APP, confirm: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.json()).toEqual({
        applied: true,
        control: USERNAME_PASSWORD,
        app: PASSWORD_APP,
        changes: [{ change: { kind: 'disableFlow', flow: 'usernamePassword' }, setting: 'flows.usernamePassword', from: 'true', to: 'false' }],
        breaks: [expect.objectContaining({ username: PW, requests: 2 })],
        blocked: null,
        summary: 'flows.usernamePassword: true → false. 1 integration would break.',
      });
      expect((await api('GET', `/apps/${encodeURIComponent(PASSWORD_APP)}`)).json().flows.usernamePassword).toBe(false);
      expect(findingOf((await runReview()).findings, USERNAME_PASSWORD, PASSWORD_APP)).toMatchObject({ status: 'not_applicable', evidence: expect.any(String) });

      const again = await api('POST', '/reviews/fix', { control: USERNAME_PASSWORD, app: PASSWORD_APP, confirm: true });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({
        applied: false,
        control: USERNAME_PASSWORD,
        app: PASSWORD_APP,
        changes: [],
        breaks: [],
        blocked: null,
        summary: 'Nothing to change: the app already complies.',
      });
    });
  });

  describe('bad input', () => {
    it('answers 422 naming the field', async () => {
      const cases: [string, string, unknown, string, string | RegExp][] = [
        ['POST', '/reviews', { baseline: 'lax' }, 'baseline', 'baseline: must be one of standard, high-security'],
        ['POST', '/reviews', { baselin: 'standard' }, 'baselin', 'baselin: is not a known field'],
        ['GET', '/reviews?limit=0', undefined, 'limit', 'limit: must be at least 1'],
        ['GET', '/reviews?limit=many', undefined, 'limit', 'limit: must be a whole number'],
        ['GET', '/reviews?limit=1&limit=2', undefined, 'limit', 'limit: must be given once'],
        ['GET', `/reviews/compare?before=${first?.id ?? 'x'}`, undefined, 'after', /^after: /],
        ['GET', `/reviews/fix-plan?app=${encodeURIComponent(PASSWORD_APP)}`, undefined, 'control', /^control: /],
        ['GET', `/reviews/fix-plan?control=${SEED}&app=${encodeURIComponent(PASSWORD_APP)}`, undefined, 'control', /^control: eca\.oauth-flow\.jwt-bearer-enabled has no automatic fix; fixable controls: /],
        ['POST', '/reviews/fix', { control: USERNAME_PASSWORD, confirm: true }, 'app', /^app: /],
        ['POST', '/accepted-risks', { control: USERNAME_PASSWORD, subject: EXPORT_APP, reason: 'r', expires: '2027-01-01' }, 'owner', /^owner: /],
        ['POST', '/accepted-risks', { control: USERNAME_PASSWORD, subject: EXPORT_APP, reason: ' ', owner: 'o', expires: '2027-01-01' }, 'reason', 'reason: an accepted risk needs a reason'],
        ['POST', '/accepted-risks', { control: USERNAME_PASSWORD, subject: EXPORT_APP, reason: 'r', owner: 'o', expires: 'next year' }, 'expires', /^expires: must be an RFC 3339 date/],
        ['POST', '/accepted-risks', { control: USERNAME_PASSWORD, subject: EXPORT_APP, reason: 'r', owner: 'o', expires: '2027-02-30' }, 'expires', /^expires: must be an RFC 3339 date/],
        ['POST', '/accepted-risks', { control: 'no.such.control', subject: EXPORT_APP, reason: 'r', owner: 'o', expires: '2027-01-01' }, 'control', 'control: no control has the id no.such.control'],
        ['POST', '/accepted-risks', { control: 'traffic.secret-authentication', subject: EXPORT_APP, reason: 'r', owner: 'o', expires: '2026-01-01' }, 'expires', /expiry must be in the future/],
      ];
      for (const [method, path, body, field, detail] of cases) {
        const res = await api(method as 'GET', path, body);
        expectProblem(res, 422, { code: 'validation_failed', ...(field && { field }), detail });
      }
    });

    it('POST /reviews/fix refuses a fix that would lock the caller out of the app their token comes from, and changes nothing', async () => {
      const relaxed = await api('PATCH', '/apps/Admin%20CLI/policies', { ipRelaxation: 'relax', trustedIpRanges: ['10.0.0.0/8'] });
      expect(relaxed.statusCode, relaxed.body).toBe(200);
      try {
        expectProblem(await api('POST', '/reviews/fix', { control: 'eca.policy.ip-relaxation-enforced', app: 'Admin CLI', confirm: true }), 409, {
          code: 'conflict',
          detail: /^this is the app your access token comes from, and this change would lock you out of the admin API: your address 127\.0\.0\.1 would be outside the app's trusted IP ranges/,
        });
        expect((await api('GET', '/apps/Admin%20CLI')).json().policies).toMatchObject({ ipRelaxation: 'relax' });
      } finally {
        expect((await api('PATCH', '/apps/Admin%20CLI/policies', { ipRelaxation: 'enforce', trustedIpRanges: [] })).statusCode).toBe(200);
      }
    });

    it('answers 404 for an unknown review, app or finding', async () => {
      expectProblem(await api('GET', '/reviews/00000000-0000-4000-8000-000000000000'), 404, { code: 'not_found', detail: 'no review with id 00000000-0000-4000-8000-000000000000' });
      expectProblem(await api('GET', `/reviews/compare?before=${first.id}&after=nope`), 404, { code: 'not_found', detail: 'no review with id nope' });
      expectProblem(await api('GET', `/reviews/fix-plan?control=${USERNAME_PASSWORD}&app=Nobody`), 404, { code: 'not_found', field: 'app', detail: 'no app is named "Nobody"' });
      expectProblem(await api('POST', '/accepted-risks', { control: SEED, subject: 'Nobody', reason: 'r', owner: 'o', expires: '2027-01-01' }), 404, {
        code: 'not_found',
        field: 'subject',
        detail: `no finding of ${SEED} on "Nobody"`,
      });
    });

    it('answers 409 when the finding to accept passes', async () => {
      expectProblem(await api('POST', '/accepted-risks', { control: SEED, subject: EXPORT_APP, reason: 'r', owner: 'o', expires: '2027-01-01' }), 409, {
        code: 'conflict',
        detail: `the finding of ${SEED} on "${EXPORT_APP}" is pass; only failing or warning findings can be accepted`,
      });
    });

    it('answers 415 and 400 for a body that is not a JSON object', async () => {
      const text = await server.app.inject({ method: 'POST', url: `${API}/reviews`, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' }, payload: 'x' });
      expectProblem(text, 415, { code: 'unsupported_media_type' });
      const none = await server.app.inject({ method: 'POST', url: `${API}/accepted-risks`, headers: { authorization: `Bearer ${adminToken}` } });
      expectProblem(none, 400, { code: 'bad_request' });
    });
  });

  it('POST /reviews with the high-security baseline reviews under it', async () => {
    const res = await api('POST', '/reviews', { baseline: 'high-security' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ baseline: 'high-security', report: { baseline: 'high-security' } });
  });
});
