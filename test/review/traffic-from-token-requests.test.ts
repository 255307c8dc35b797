/**
 * The traffic-aware controls against a login history written by real token requests to the
 * real token endpoint (SQLite store, frozen clock moved between requests): one app still
 * authenticates with its consumer secret (client credentials), one signs JWT Bearer
 * assertions, and one, created 100 days before the review, never asked for a token.
 *
 * The store aggregates the history in SQL; the same rows read back through the login history
 * and aggregated by `summarizeLoginEvents` (the reference semantics) must give the same summary.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewResult } from '../../src/review/engine/review.js';
import type { Snapshot, TrafficSummary } from '../../src/review/engine/snapshot.js';
import { signAssertion } from '../../src/client/index.js';
import { parseConfig } from '../../src/config/load.js';
import type { LoginEvent } from '../../src/domain/login-event.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { summarizeLoginEvents } from '../../src/review/sources/summarize-login-events.js';

const BASE_URL = 'https://keygate.test';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The review runs at T0; the org and its apps were created 100 days before. */
const T0 = new Date('2026-06-15T12:00:00.000Z');
const CREATED = new Date(T0.getTime() - 100 * DAY_MS);
const at = (msBeforeT0: number) => new Date(T0.getTime() - msBeforeT0);

const SVC = 'svc@acme.test';
const ALICE = 'alice@acme.test';
const BOB = 'bob@acme.test';
/** Not pre-authorized on any app. */
const OUTSIDER = 'outsider@acme.test';
const SECRET_APP = 'Export Job';
const JWT_APP = 'Signed Sync';
const DORMANT_APP = 'Forgotten Pilot';
const SECRET_CONTROL = 'traffic.secret-authentication';
const DORMANT_CONTROL = 'traffic.dormant-app';

/** Usage rows in a stable order: the summary does not promise one, and SQL groups in any. */
function normalized(summary: TrafficSummary): TrafficSummary {
  return {
    ...summary,
    apps: summary.apps.map((app) => ({
      ...app,
      usage: [...app.usage].sort((a, b) => `${a.grant}|${a.credential}|${a.outcome}`.localeCompare(`${b.grant}|${b.credential}|${b.outcome}`)),
    })),
  };
}

describe('traffic-aware controls over a login history written by real token requests', () => {
  const clock = new FixedClock(CREATED);
  const exportSecret = `ex-${randomBytes(24).toString('base64url')}`;
  let server: RunningKeygate;
  let dataDir: string;
  let jwtKey: string;
  let review: ReviewResult;
  let snapshot: Snapshot;
  let events: LoginEvent[];

  async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1'): Promise<number> {
    const res = await server.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
      remoteAddress,
    });
    return res.statusCode;
  }

  /** client_credentials authenticated with the consumer secret (RFC 6749 §2.3.1, HTTP Basic). */
  const withSecret = (secret: string) =>
    tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`export-job:${secret}`).toString('base64')}` });

  /** A JWT Bearer grant (RFC 7523 §2.1) signed with the app's key. */
  const withAssertion = async (username: string, remoteAddress?: string) =>
    tokenRequest(
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await signAssertion({ issuer: 'signed-sync', subject: username, audience: BASE_URL, key: jwtKey, clock }),
      },
      {},
      remoteAddress,
    );

  beforeAll(async () => {
    const notBefore = new Date(CREATED.getTime() - 60_000);
    const [signed, pilot] = await Promise.all([
      generateKeyPairWithCertificate({ alg: 'ES256', subject: 'signed-sync', days: 400, notBefore }),
      generateKeyPairWithCertificate({ alg: 'ES256', subject: 'forgotten-pilot', days: 400, notBefore }),
    ]);
    jwtKey = signed.privateKeyPem;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-review-traffic-'));
    const config = parseConfig(
      JSON.stringify({
        org: { name: 'Acme', baseUrl: BASE_URL },
        users: [
          { username: SVC, profile: 'Integration' },
          { username: ALICE, profile: 'Integration' },
          { username: BOB, profile: 'Integration' },
          { username: OUTSIDER, profile: 'Standard User' },
        ],
        apps: [
          { name: SECRET_APP, consumerKey: 'export-job', scopes: ['api'], flows: { clientCredentials: true }, clientCredentialsRunAs: SVC, consumerSecretEnv: 'EXPORT_SECRET' },
          {
            name: JWT_APP,
            consumerKey: 'signed-sync',
            scopes: ['api'],
            certificates: [{ pem: signed.certificatePem }],
            flows: { jwtBearer: true },
            policies: { profiles: ['Integration'] },
          },
          {
            name: DORMANT_APP,
            consumerKey: 'forgotten-pilot',
            scopes: ['api'],
            certificates: [{ pem: pilot.certificatePem }],
            flows: { jwtBearer: true },
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
      { baseDir: dataDir, env: { EXPORT_SECRET: exportSecret } },
    );
    server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);

    // Day 1: the export job's first run, which falls outside the 90-day review window.
    clock.set(new Date(CREATED.getTime() + DAY_MS));
    expect(await withSecret(exportSecret)).toBe(200);
    // The window: three secret-authenticated runs and one refused attempt with a wrong secret,
    // assertions for two users of the signed integration (one from another address) and one
    // refused for a user it does not admit; nothing for the pilot.
    clock.set(at(30 * DAY_MS));
    expect(await withSecret(exportSecret)).toBe(200);
    expect(await withAssertion(ALICE)).toBe(200);
    clock.set(at(2 * DAY_MS));
    expect(await withSecret(exportSecret)).toBe(200);
    expect(await withSecret('not-the-secret')).toBe(401);
    expect(await withAssertion(BOB, '192.0.2.10')).toBe(200);
    expect(await withAssertion(OUTSIDER)).toBe(400);
    clock.set(at(HOUR_MS));
    expect(await withSecret(exportSecret)).toBe(200);
    expect(await withAssertion(ALICE)).toBe(200);

    clock.set(T0);
    review = (await server.services.reviews.run()).result;
    snapshot = await server.services.reviews.snapshot();
    ({ events } = await server.services.history.queryLoginHistory({ limit: 1000 }));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const finding = (control: string, subject: string) => {
    const found = review.findings.find((f) => f.control === control && f.subject === subject);
    if (!found) throw new Error(`no finding of ${control} on ${subject}`);
    return found;
  };

  it('the login history holds every request, the one outside the window included', () => {
    expect(events).toHaveLength(9);
    expect(events.filter((e) => e.appName === SECRET_APP && e.credential === 'client-secret' && e.outcome === 'success')).toHaveLength(4);
    // The refused secret is attributed to the app it claimed to be, so a wrong secret shows up
    // against the export job.
    expect(events.filter((e) => e.reason === 'client_secret_mismatch')).toEqual([
      expect.objectContaining({ outcome: 'failure', appName: SECRET_APP, credential: 'client-secret', at: at(2 * DAY_MS) }),
    ]);
    expect(events.filter((e) => e.appName === JWT_APP && e.grant === 'jwt-bearer' && e.outcome === 'success')).toHaveLength(3);
    expect(events.some((e) => e.appName === DORMANT_APP)).toBe(false);
    expect(Math.min(...events.map((e) => e.at.getTime()))).toBe(CREATED.getTime() + DAY_MS);
    expect(review.trafficWindow).toEqual({ since: at(90 * DAY_MS), until: T0 });
  });

  describe(SECRET_CONTROL, () => {
    it('fails the app that authenticates with its secret, with the count in the window, the users and the last time seen', () => {
      expect(finding(SECRET_CONTROL, SECRET_APP)).toMatchObject({
        status: 'fail',
        evidence: `3 token requests were authenticated with a secret by ${SVC}, last on 2026-06-15.`,
        state: expect.stringMatching(/\|secret-in-use$/),
      });
      const traffic = snapshot.traffic!.apps.find((a) => a.appName === SECRET_APP)!;
      expect(traffic.usage).toEqual(
        expect.arrayContaining([
          { grant: 'client-credentials', credential: 'client-secret', outcome: 'success', count: 3, users: [SVC], lastSeen: at(HOUR_MS), withoutJti: 0 },
          { grant: 'client-credentials', credential: 'client-secret', outcome: 'failure', count: 1, users: [], lastSeen: at(2 * DAY_MS), withoutJti: 0 },
        ]),
      );
      expect(traffic.usage).toHaveLength(2);
      expect(traffic.lastTokenAt).toEqual(at(HOUR_MS));
    });

    it('passes the app on JWT Bearer and the app with no traffic', () => {
      for (const app of [JWT_APP, DORMANT_APP]) {
        expect(finding(SECRET_CONTROL, app)).toMatchObject({ status: 'pass', evidence: 'No token request in the window was authenticated with a secret.' });
      }
    });
  });

  describe(DORMANT_CONTROL, () => {
    it('flags the app with no token in 90 days', () => {
      expect(finding(DORMANT_CONTROL, DORMANT_APP)).toMatchObject({
        status: 'fail',
        severity: expect.any(String),
        evidence: 'No token was issued in the last 90 days while JWT Bearer stays enabled.',
      });
    });

    it('does not flag the active apps', () => {
      expect(finding(DORMANT_CONTROL, SECRET_APP)).toMatchObject({ status: 'pass', evidence: 'The last token was issued on 2026-06-15.' });
      expect(finding(DORMANT_CONTROL, JWT_APP)).toMatchObject({ status: 'pass', evidence: 'The last token was issued on 2026-06-15.' });
    });
  });

  it("the store's SQL summary equals summarizeLoginEvents over the same rows", () => {
    const sql = snapshot.traffic!;
    expect(sql.window).toEqual({ since: at(90 * DAY_MS), until: T0 });
    const reference = summarizeLoginEvents(events, sql.window);
    expect(normalized(sql)).toEqual(normalized(reference));
    const signed = sql.apps.find((a) => a.appName === JWT_APP)!;
    expect(signed.clientAddresses).toEqual([
      { address: '127.0.0.1', count: 2, lastSeen: at(HOUR_MS) },
      { address: '192.0.2.10', count: 1, lastSeen: at(2 * DAY_MS) },
    ]);
    expect(normalized(sql).apps.find((a) => a.appName === JWT_APP)!.usage).toEqual([
      // A refused assertion stops before the replay check, so it never counts as one without a jti.
      { grant: 'jwt-bearer', credential: 'assertion', outcome: 'failure', count: 1, users: [OUTSIDER], lastSeen: at(2 * DAY_MS), withoutJti: 0 },
      { grant: 'jwt-bearer', credential: 'assertion', outcome: 'success', count: 3, users: [ALICE, BOB], lastSeen: at(HOUR_MS), withoutJti: 0 },
    ]);
    expect(sql.apps.map((a) => a.appName)).toEqual([SECRET_APP, JWT_APP]);
  });

  it('summarizes an app deleted and created again under the same name as one app, in SQL as in summarizeLoginEvents', async () => {
    const name = 'Nightly Report';
    const requestWithSecret = async (clientId: string, secret: string) =>
      tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` });
    clock.set(at(3 * HOUR_MS));
    const old = await server.services.apps.create({ name, flows: { clientCredentials: true }, clientCredentialsRunAs: SVC, generateSecret: true });
    expect(await requestWithSecret(old.app.consumerKey, old.consumerSecret!)).toBe(200);
    await server.services.apps.delete({ id: old.app.id });
    clock.set(at(2 * HOUR_MS));
    const again = await server.services.apps.create({ name, flows: { clientCredentials: true }, clientCredentialsRunAs: SVC, generateSecret: true });
    expect(await requestWithSecret(again.app.consumerKey, again.consumerSecret!)).toBe(200);
    clock.set(T0);

    const sql = (await server.services.reviews.snapshot()).traffic!;
    const rows = (await server.services.history.queryLoginHistory({ limit: 1000 })).events;
    expect(normalized(sql)).toEqual(normalized(summarizeLoginEvents(rows, sql.window)));
    expect(sql.apps.find((a) => a.appName === name)).toEqual({
      appName: name,
      appId: again.app.id,
      lastTokenAt: at(2 * HOUR_MS),
      usage: [{ grant: 'client-credentials', credential: 'client-secret', outcome: 'success', count: 2, users: [SVC], lastSeen: at(2 * HOUR_MS), withoutJti: 0 }],
      clientAddresses: [{ address: '127.0.0.1', count: 2, lastSeen: at(2 * HOUR_MS) }],
      scopesUsed: null,
    });
  });
});
