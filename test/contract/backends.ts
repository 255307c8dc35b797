/**
 * The backends every contract suite runs against: SQLite, PostgreSQL, and PostgreSQL with
 * Redis, on the machine's own services. Each run gets a fresh SQLite directory, a fresh
 * PostgreSQL schema (`keygate_test_<random>`) and a fresh Redis key prefix, and removes them
 * afterwards. Every backend can open a second set of stores over the same data, standing for
 * a second instance.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { openStores, type OpenedStores, type StorageOptions } from '../../src/storage/open-stores.js';
import { createSchema, dropSchema } from '../../src/storage/postgres/postgres-database.js';

export const TEST_DATABASE_URL = process.env.KEYGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.KEYGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One isolated place to keep data, and the storage options that reach it. */
export interface BackendRun {
  readonly options: StorageOptions;
  /** Opens (and migrates) a set of stores: call twice for two instances; `overrides` reach the same data another way (through a proxy, say). */
  open(overrides?: Partial<StorageOptions>): Promise<OpenedStores>;
  /** Closes what `open` opened and removes the data. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  start(): Promise<BackendRun>;
}

const suffix = () => randomBytes(6).toString('hex');

function runOver(options: StorageOptions, remove: () => Promise<void>): BackendRun {
  const opened: OpenedStores[] = [];
  return {
    options,
    async open(overrides = {}) {
      const stores = await openStores({ ...options, ...overrides });
      opened.push(stores);
      return stores;
    },
    async dispose() {
      await Promise.allSettled(opened.map((s) => s.close()));
      await remove();
    },
  };
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const sqliteBackend: Backend = {
  name: 'SQLite',
  async start() {
    const dataDir = await mkdtemp(join(tmpdir(), 'keygate-contract-'));
    return runOver({ dataDir }, () => rm(dataDir, { recursive: true, force: true }));
  },
};

export const postgresBackend: Backend = {
  name: 'PostgreSQL',
  async start() {
    const schema = `keygate_test_${suffix()}`;
    await createSchema(TEST_DATABASE_URL, schema);
    return runOver({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, poolSize: 4 }, () =>
      dropSchema(TEST_DATABASE_URL, schema),
    );
  },
};

export const postgresRedisBackend: Backend = {
  name: 'PostgreSQL+Redis',
  async start() {
    const id = suffix();
    const schema = `keygate_test_${id}`;
    const prefix = `keygate-test:${id}:`;
    await createSchema(TEST_DATABASE_URL, schema);
    return runOver(
      { dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, poolSize: 4, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix },
      async () => {
        await dropSchema(TEST_DATABASE_URL, schema);
        await deleteRedisKeys(TEST_REDIS_URL, prefix);
      },
    );
  },
};

export const BACKENDS: readonly Backend[] = [sqliteBackend, postgresBackend, postgresRedisBackend];

/** Two instances over one backend, as two Keygate processes sharing a store would be. */
export interface TwoInstances {
  readonly run: BackendRun;
  readonly one: OpenedStores;
  readonly two: OpenedStores;
}

/**
 * Starts `backend` before the suite's tests and opens two instances on it; disposes of both
 * and the backend after them. The fields are set once `beforeAll` has run.
 */
export function twoInstancesOf(backend: Backend): TwoInstances {
  const suite = {} as { run: BackendRun; one: OpenedStores; two: OpenedStores };
  beforeAll(async () => {
    suite.run = await backend.start();
    suite.one = await suite.run.open();
    suite.two = await suite.run.open();
  });
  afterAll(() => suite.run?.dispose());
  return suite;
}

/** Waits until `check` holds, polling every 10 ms, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
