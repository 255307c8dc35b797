/**
 * An in-process Keygate for protocol tests: a real server (SQLite in a temp directory, the
 * real composition root) on a frozen clock, driven with `app.inject` (STYLE.md rule 10).
 *
 * The org holds one user and one app per situation the rules name, so that each test file can
 * pick its subject by name instead of reconfiguring the server. The configuration is applied
 * thirty days before the frozen instant, which lets an app hold a certificate that was valid
 * when it was uploaded and has expired since.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AdminServices } from '../../src/admin/admin-services.js';
import { parseConfig } from '../../src/config/load.js';
import type { LoginEvent } from '../../src/domain/login-event.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import type { OAuthOptions } from '../../src/oauth/options.js';
import { FixedClock } from '../../src/platform/clock.js';
import { createLogger, type LogLevel } from '../../src/platform/logger.js';
import { compactJws, makeOtherTestKey, makeTestKey, type TestKey } from './keys.js';

export type Response = LightMyRequestResponse;

export const BASE_URL = 'https://keygate.test';
export const TOKEN_PATH = '/services/oauth2/token';
export const TOKEN_URL = `${BASE_URL}${TOKEN_PATH}`;
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const EXTRA_AUDIENCE = 'https://login.salesforce.com';

/** The frozen instant every test runs at (whole seconds). */
export const T0 = new Date('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;

export const USERS = {
  integration: 'integration@acme.test',
  inactive: 'inactive@acme.test',
  locked: 'locked@acme.test',
  /** Profile with login IP ranges 10.1.0.0/16. */
  ranged: 'ranged@acme.test',
  /** Neither profile nor permission set is pre-authorized anywhere. */
  outsider: 'outsider@acme.test',
  /** Pre-authorized through the "ERP Access" permission set only. */
  permset: 'permset@acme.test',
  /** Approved "Self App" (self-authorized policy). */
  approver: 'approver@acme.test',
  /** Run-as user of the client credentials app. */
  svc: 'svc@acme.test',
  /** Has a password, for the legacy password grant. */
  pw: 'pw@acme.test',
} as const;

/** Consumer keys, by app. */
export const APPS = {
  rsa: 'rsa-app',
  ec: 'ec-app',
  dual: 'dual-app',
  rotating: 'rotating-app',
  disabled: 'disabled-app',
  expired: 'expired-app',
  renewed: 'renewed-app',
  self: 'self-app',
  ip: 'ip-app',
  relaxed: 'relaxed-app',
  noJti: 'nojti-app',
  opaque: 'opaque-app',
  compat: 'compat-app',
  /** Holds an EC P-384 and an Ed25519 certificate. */
  modern: 'modern-app',
  cc: 'cc-app',
  password: 'password-app',
  secret: 'secret-app',
} as const;

export const APP_TRUSTED_RANGE = '192.0.2.0/24';
export const PROFILE_RANGE = '10.1.0.0/16';

export interface HarnessKeys {
  readonly rsa: TestKey;
  readonly ec: TestKey;
  readonly dualA: TestKey;
  readonly dualB: TestKey;
  readonly rotOld: TestKey;
  /** Not on any app at start: the rotation test adds it. */
  readonly rotNew: TestKey;
  /** Valid from T0 − 40 d for 20 days: expired at T0. */
  readonly expired: TestKey;
  readonly cc: TestKey;
  /** On no app at all. */
  readonly attacker: TestKey;
  readonly p384: TestKey;
  readonly ed25519: TestKey;
}

export interface HarnessSecrets {
  readonly cc: string;
  readonly passwordApp: string;
  readonly secretApp: string;
  readonly userPassword: string;
}

export interface HarnessOptions {
  /** Receives every log line (JSON) at `logLevel` (default silent). */
  readonly logSink?: (line: string) => void;
  readonly logLevel?: LogLevel;
  readonly trustedProxies?: readonly string[];
  /**
   * Protocol limits. The failure limit is off unless a test sets `maxFailuresPerAddress`: on
   * the frozen clock every request of a file falls in one window, and most files are made of
   * refusals.
   */
  readonly oauth?: Partial<OAuthOptions>;
}

export interface AssertionOptions {
  /** Signing key; default the RSA app's key. */
  readonly key?: TestKey;
  /** `alg` header; default the key's. */
  readonly alg?: string;
  /** Extra or replaced header members (`undefined` removes one). */
  readonly header?: Record<string, unknown>;
  /** Extra or replaced claims (`undefined` removes one). */
  readonly claims?: Record<string, unknown>;
  /** Exact payload JSON text instead of the claims. */
  readonly rawPayload?: string;
  /** A fixed signature segment. */
  readonly signature?: string;
}

export interface PostOptions {
  readonly remoteAddress?: string;
  readonly headers?: Record<string, string>;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Default `application/x-www-form-urlencoded`; `null` sends none. */
  readonly contentType?: string | null;
  readonly path?: string;
}

export interface Harness {
  readonly server: RunningKeygate;
  readonly app: FastifyInstance;
  readonly services: AdminServices;
  readonly clock: FixedClock;
  readonly dataDir: string;
  readonly keys: HarnessKeys;
  readonly secrets: HarnessSecrets;
  /** The frozen now, in epoch seconds. */
  now(): number;
  /** Default claims of a valid assertion for the RSA app and the integration user. */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** A compact JWS assertion; valid unless the options make it otherwise. */
  assertion(options?: AssertionOptions): string;
  /** POSTs a form (object or raw text) to the token endpoint. */
  postForm(path: string, form: Record<string, string> | string, options?: PostOptions): Promise<Response>;
  token(form: Record<string, string> | string, options?: PostOptions): Promise<Response>;
  /** POSTs `grant_type=jwt-bearer&assertion=...` plus any extra parameters. */
  grant(assertion: string, extra?: Record<string, string>, options?: PostOptions): Promise<Response>;
  /** The newest login-history rows written at the clock's current instant, newest first. */
  recentLogins(limit: number): Promise<LoginEvent[]>;
  /** The newest login-history row. */
  lastLogin(): Promise<LoginEvent>;
  userId(username: string): Promise<string>;
  orgId(): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const creation = new Date(T0.getTime() - 30 * DAY);
  const validFrom = new Date(T0.getTime() - 60 * DAY);
  const [rsa, ec, dualA, dualB, rotOld, rotNew, expired, cc, attacker, p384, ed25519] = await Promise.all([
    makeTestKey('RS256', 'rsa-app', validFrom),
    makeTestKey('ES256', 'ec-app', validFrom),
    makeTestKey('ES256', 'dual-a', validFrom),
    makeTestKey('ES256', 'dual-b', validFrom),
    makeTestKey('RS256', 'rotating-old', validFrom),
    makeTestKey('RS256', 'rotating-new', new Date(T0.getTime() - DAY)),
    makeTestKey('ES256', 'expired', new Date(T0.getTime() - 40 * DAY), 20),
    makeTestKey('RS256', 'cc-app', validFrom),
    makeTestKey('ES256', 'attacker', validFrom),
    makeOtherTestKey('P-384', 'modern-p384', validFrom),
    makeOtherTestKey('Ed25519', 'modern-ed25519', validFrom),
  ]);
  const keys: HarnessKeys = { rsa, ec, dualA, dualB, rotOld, rotNew, expired, cc, attacker, p384, ed25519 };
  const secrets: HarnessSecrets = {
    cc: `cc-${randomBytes(24).toString('base64url')}`,
    passwordApp: `pa-${randomBytes(24).toString('base64url')}`,
    secretApp: `sa-${randomBytes(24).toString('base64url')}`,
    userPassword: `pw-${randomBytes(24).toString('base64url')}`,
  };

  const preauthorized = { profiles: ['Integration', 'Ranged Integration'], permissionSets: ['ERP Access'] };
  const jwtApp = (name: string, consumerKey: string, certs: TestKey[], extra: Record<string, unknown> = {}) => ({
    name,
    consumerKey,
    contactEmail: 'ops@acme.test',
    scopes: ['api', 'openid', 'refresh_token'],
    certificates: certs.map((k) => ({ pem: k.certificatePem })),
    flows: { jwtBearer: true },
    ...extra,
    policies: { ...preauthorized, ...(extra.policies as object | undefined) },
  });
  const config = {
    org: { name: 'Acme Corp', baseUrl: BASE_URL, extraAudiences: [EXTRA_AUDIENCE], clockSkewSeconds: 30, maxAssertionLifetimeSeconds: 300 },
    users: [
      { username: USERS.integration, profile: 'Integration' },
      { username: USERS.inactive, profile: 'Integration', active: false },
      { username: USERS.locked, profile: 'Integration', locked: true },
      { username: USERS.ranged, profile: 'Ranged Integration', loginIpRanges: [PROFILE_RANGE] },
      { username: USERS.outsider, profile: 'Standard User' },
      { username: USERS.permset, profile: 'Standard User', permissionSets: ['ERP Access'] },
      { username: USERS.approver, profile: 'Standard User', approvedApps: ['Self App'] },
      { username: USERS.svc, profile: 'Integration' },
      { username: USERS.pw, profile: 'Integration', passwordEnv: 'PW_PASSWORD' },
    ],
    apps: [
      jwtApp('RSA App', APPS.rsa, [rsa]),
      jwtApp('EC App', APPS.ec, [ec]),
      jwtApp('Dual App', APPS.dual, [dualA, dualB]),
      jwtApp('Rotating App', APPS.rotating, [rotOld]),
      jwtApp('Disabled App', APPS.disabled, [ec], { flows: { jwtBearer: false } }),
      jwtApp('Expired App', APPS.expired, [expired]),
      jwtApp('Renewed App', APPS.renewed, [expired, ec]),
      jwtApp('Self App', APPS.self, [ec], { policies: { permittedUsers: 'selfAuthorized' } }),
      jwtApp('IP App', APPS.ip, [ec], { policies: { ipRelaxation: 'enforce', trustedIpRanges: [APP_TRUSTED_RANGE] } }),
      jwtApp('Relaxed App', APPS.relaxed, [ec], { policies: { ipRelaxation: 'relax', trustedIpRanges: [APP_TRUSTED_RANGE] } }),
      jwtApp('No Jti App', APPS.noJti, [ec], { requireJti: false }),
      jwtApp('Opaque App', APPS.opaque, [ec], { accessTokenFormat: 'opaque' }),
      jwtApp('Compat App', APPS.compat, [ec], { assertionProfile: 'salesforce-compat' }),
      jwtApp('Modern App', APPS.modern, [p384, ed25519]),
      {
        name: 'CC App',
        consumerKey: APPS.cc,
        scopes: ['api'],
        certificates: [{ pem: cc.certificatePem }],
        flows: { clientCredentials: true },
        clientCredentialsRunAs: USERS.svc,
        consumerSecretEnv: 'CC_SECRET',
      },
      {
        name: 'Password App',
        consumerKey: APPS.password,
        scopes: ['api'],
        // The CC App's certificate too, so that a client assertion can authenticate this app.
        certificates: [{ pem: cc.certificatePem }],
        flows: { usernamePassword: true },
        consumerSecretEnv: 'PASSWORD_APP_SECRET',
        policies: preauthorized,
      },
      { name: 'Secret App', consumerKey: APPS.secret, scopes: ['api'], consumerSecretEnv: 'SECRET_APP_SECRET', policies: preauthorized },
    ],
  };

  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-rfc-'));
  const declared = parseConfig(JSON.stringify(config), {
    baseDir: dataDir,
    env: { CC_SECRET: secrets.cc, PASSWORD_APP_SECRET: secrets.passwordApp, SECRET_APP_SECRET: secrets.secretApp, PW_PASSWORD: secrets.userPassword },
  });
  const clock = new FixedClock(creation);
  const sink = options.logSink;
  const log = createLogger({
    level: sink ? (options.logLevel ?? 'trace') : 'silent',
    ...(sink && { destination: { write: (line: string) => sink(line) } }),
  });
  const server = await buildKeygate(
    { dataDir, host: '127.0.0.1', port: 0, log, clock, config: declared, trustedProxies: options.trustedProxies ?? [], oauth: { maxFailuresPerAddress: 0, ...options.oauth } },
    false,
  );
  clock.set(T0);

  const now = () => clock.epochSeconds();
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: APPS.rsa,
    sub: USERS.integration,
    aud: BASE_URL,
    exp: now() + 120,
    iat: now(),
    jti: randomUUID(),
    ...overrides,
  });

  const postForm = (path: string, form: Record<string, string> | string, opts: PostOptions = {}) => {
    const contentType = opts.contentType === undefined ? 'application/x-www-form-urlencoded' : opts.contentType;
    const method = opts.method ?? 'POST';
    return server.app.inject({
      method,
      url: opts.path ?? path,
      headers: { ...(contentType !== null && { 'content-type': contentType }), ...opts.headers },
      ...(method !== 'GET' && { payload: typeof form === 'string' ? form : new URLSearchParams(form).toString() }),
      remoteAddress: opts.remoteAddress ?? '127.0.0.1',
    });
  };

  const harness: Harness = {
    server,
    app: server.app,
    services: server.services,
    clock,
    dataDir,
    keys,
    secrets,
    now,
    claims,
    assertion(o = {}) {
      const key = o.key ?? rsa;
      const alg = o.alg ?? key.alg;
      return compactJws({
        alg,
        header: { typ: 'JWT', ...o.header },
        payload: o.rawPayload ?? claims(o.claims),
        key: key.privateKey,
        ...(o.signature !== undefined && { signature: o.signature }),
      });
    },
    postForm,
    token: (form, opts) => postForm(TOKEN_PATH, form, opts),
    grant: (assertion, extra = {}, opts) => postForm(TOKEN_PATH, { grant_type: JWT_BEARER, assertion, ...extra }, opts),
    async recentLogins(limit) {
      // Only rows written at the clock's current instant: a test that moved the clock forward
      // and back leaves rows "in the future" that would otherwise sort first for ever.
      const since = clock.now();
      const until = new Date(since.getTime() + 1);
      return (await server.services.history.queryLoginHistory({ since, until, limit })).events;
    },
    async lastLogin() {
      const [event] = await harness.recentLogins(1);
      if (!event) throw new Error('the login history has no row at the current instant');
      return event;
    },
    async userId(username) {
      return (await server.services.users.get({ username })).id;
    },
    async orgId() {
      const org = await server.services.orgs.get();
      return org.id;
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Changes some of a user's fields through the admin service; the rest stay as they are. */
export async function updateUser(h: Harness, username: string, change: Parameters<AdminServices['users']['update']>[1]): Promise<void> {
  await h.services.users.update({ username }, change);
}

/** Changes some of an app's policies through the admin service; the rest stay as they are. */
export async function updateAppPolicies(
  h: Harness,
  consumerKey: string,
  change: { permissionSets?: string[]; profiles?: string[]; trustedIpRanges?: string[]; ipRelaxation?: 'enforce' | 'relax'; permittedUsers?: 'adminApproved' | 'selfAuthorized' },
): Promise<void> {
  await h.services.apps.update({ consumerKey }, { policies: change });
}

/** Gets an access token by the JWT Bearer grant (default: RSA app, integration user). */
export async function jwtBearerToken(h: Harness, options: AssertionOptions = {}, extra: Record<string, string> = {}, post: PostOptions = {}): Promise<string> {
  const response = await h.grant(h.assertion(options), extra, post);
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { access_token: string }).access_token;
}

/** `Authorization: Basic` for a client id and secret (RFC 6749 §2.3.1: each part form-encoded). */
export function basicAuthorization(clientId: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` };
}

/** Gets an access token for the client credentials app with its consumer secret. */
export async function clientCredentialsToken(h: Harness): Promise<string> {
  const response = await h.token({ grant_type: 'client_credentials' }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { access_token: string }).access_token;
}

/** A GET with an optional bearer token. */
export function getWithToken(h: Harness, url: string, token?: string, options: { remoteAddress?: string; scheme?: string } = {}): Promise<Response> {
  return h.app.inject({
    method: 'GET',
    url,
    headers: token === undefined ? {} : { authorization: `${options.scheme ?? 'Bearer'} ${token}` },
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
  });
}
