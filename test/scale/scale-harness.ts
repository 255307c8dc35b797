/**
 * Two Keygate instances in this test process, each a real `buildKeygate` server on its own
 * loopback port, sharing one PostgreSQL schema (and, when asked, one Redis key prefix): the
 * smallest deployment that has to keep "one truth". The app and user are declared in a
 * configuration file applied by the first instance; the certificate is generated here.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAssertion } from '../../src/client/index.js';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import type { OAuthOptions } from '../../src/oauth/options.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { createSchema, dropSchema } from '../../src/storage/postgres/postgres-database.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, deleteRedisKeys } from '../contract/backends.js';

export const BASE_URL = 'https://keygate.test';
export const CLIENT_ID = 'scale-erp';
export const APP_NAME = 'scale-erp';
export const USERNAME = 'integration@scale.test';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface TwoInstances {
  readonly a: RunningKeygate;
  readonly b: RunningKeygate;
  readonly privateKeyPem: string;
  /** A fresh assertion for the app and user, signed with `key` (default: the declared certificate's key). */
  assertion(key?: string): Promise<string>;
  /**
   * Starts one more instance on the same schema and key prefix, reaching its services through
   * other URLs (a cuttable proxy's, say) and logging where it is told; closed with the rest.
   */
  another(overrides: { databaseUrl?: string; redisUrl?: string; log?: Logger }): Promise<RunningKeygate>;
  close(): Promise<void>;
}

export interface TokenAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

/** POSTs a JWT Bearer token request (RFC 7523 §2.1), bounded by `timeoutMs`. */
export async function requestToken(server: RunningKeygate, assertion: string, timeoutMs = 10_000): Promise<TokenAnswer> {
  const started = Date.now();
  const res = await fetch(`${server.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
}

export async function userinfo(server: RunningKeygate, accessToken: string): Promise<number> {
  const res = await fetch(`${server.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  await res.arrayBuffer();
  return res.status;
}

/**
 * `oauth` sets protocol limits; the failure limit is off unless given, since the suites refuse
 * many requests from this one address within a minute.
 */
export async function startTwoInstances(options: { redis: boolean; oauth?: Partial<OAuthOptions> }): Promise<TwoInstances> {
  const id = randomBytes(6).toString('hex');
  const schema = `keygate_scale_${id}`;
  const prefix = `keygate-scale:${id}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-scale-'));
  const generated = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'scale-erp', days: 30 });
  await createSchema(TEST_DATABASE_URL, schema);
  const config = parseConfig(
    JSON.stringify({
      org: { baseUrl: BASE_URL },
      // The user administers Keygate and the app grants `admin`, so that its tokens also reach the admin API.
      users: [{ username: USERNAME, profile: 'Integration', permissions: ['ManageUsers'] }],
      apps: [
        {
          name: APP_NAME,
          consumerKey: CLIENT_ID,
          scopes: ['api', 'admin'],
          certificates: [{ pem: generated.certificatePem }],
          flows: { jwtBearer: true },
          policies: { profiles: ['Integration'] },
        },
      ],
    }),
    { baseDir: dataDir, env: {} },
  );
  const common = {
    dataDir,
    host: '127.0.0.1',
    port: 0,
    log: createLogger({ level: process.env.KEYGATE_TEST_LOG === '1' ? 'debug' : 'silent' }),
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    poolSize: 8,
    oauth: { maxFailuresPerAddress: 0, ...options.oauth },
    ...(options.redis ? { redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix } : {}),
  };
  const started: RunningKeygate[] = [];
  const cleanup = async () => {
    await Promise.allSettled(started.map((s) => s.close()));
    await dropSchema(TEST_DATABASE_URL, schema).catch(() => {});
    if (options.redis) await deleteRedisKeys(TEST_REDIS_URL, prefix).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    started.push(await buildKeygate({ ...common, config }));
    started.push(await buildKeygate({ ...common, config }));
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    a: started[0]!,
    b: started[1]!,
    privateKeyPem: generated.privateKeyPem,
    assertion: (key = generated.privateKeyPem) => signAssertion({ issuer: CLIENT_ID, subject: USERNAME, audience: BASE_URL, key }),
    async another(overrides) {
      const instance = await buildKeygate({ ...common, ...overrides, config, configApplied: true });
      started.push(instance);
      return instance;
    },
    close: cleanup,
  };
}

/** Polls `check` every 20 ms until it holds; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
