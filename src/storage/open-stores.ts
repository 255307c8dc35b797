/**
 * Opens the configured backend and hands the composition root the ports it wires: SQLite in
 * the data directory by default, PostgreSQL for a postgres:// URL, and optionally Redis in
 * front for replay, failure counts, the revocation cache and change notification. Migrations
 * run here, under Kysely's migration lock (an advisory lock on PostgreSQL).
 */
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../platform/logger.js';
import type { FailureCounter, ReplayStore, SigningKeyStore, TokenLedger, TokenStore } from '../oauth/ports.js';
import { startMaintenance, type Maintenance, type MaintenanceOptions } from './maintenance.js';
import { migrateToLatest } from './migrations/index.js';
import { openPostgres, type PostgresHandle } from './postgres/postgres-database.js';
import { PostgresChangeFeed } from './postgres/postgres-change-feed.js';
import { PostgresSchemaPlugin } from './postgres/postgres-schema-plugin.js';
import { PostgresTokenPath } from './postgres/postgres-token-path.js';
import type { ChangeFeed, StorageCapabilities } from './ports.js';
import { inspectDurability, openRedis } from './redis/redis-database.js';
import { RedisChangeFeed } from './redis/redis-change-feed.js';
import { RedisFailureCounter, RedisReplayLedger, RedisReplayStore, RedisRevocationCache } from './redis/redis-token-path.js';
import { SqlAdminStore, type WriteLock } from './sql/sql-admin-store.js';
import { pruneExpired } from './sql/sql-maintenance.js';
import { SqlSigningKeyStore } from './sql/sql-signing-key-store.js';
import type { Database } from './sql/tables.js';
import { SqliteChangeFeed } from './sqlite/sqlite-change-feed.js';
import { openSqlite } from './sqlite/sqlite-database.js';
import { SqliteTokenPath } from './sqlite/sqlite-token-path.js';

export interface StorageOptions {
  /** Where the SQLite database lives when no PostgreSQL URL is given. */
  readonly dataDir: string;
  /** SQLite only: `FULL` (default) or `NORMAL`. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** `postgres://` or `postgresql://` selects PostgreSQL; absent or `sqlite:` keeps SQLite. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema to work in (default: the connection's search_path, normally `public`). */
  readonly databaseSchema?: string;
  /** `redis://` or `rediss://`: replay store, revocation cache and change notification in Redis. */
  readonly redisUrl?: string;
  /** Prefix of every Redis key and channel (default `keygate:`). */
  readonly redisKeyPrefix?: string;
  /** PostgreSQL pool size per instance (default 10). */
  readonly poolSize?: number;
  readonly log?: Logger;
}

/** Every store the composition root wires, over one backend. */
export interface OpenedStores {
  /** The Kysely handle, for further SQL stores over the same database. */
  readonly db: Kysely<Database>;
  readonly admin: SqlAdminStore;
  readonly replay: ReplayStore;
  /** The login history, and the commit that issues a token. */
  readonly ledger: TokenLedger;
  readonly tokens: TokenStore;
  /** Refused requests per client address (and app), for the failure limit. */
  readonly failures: FailureCounter;
  readonly signingKeys: SigningKeyStore;
  readonly changes: ChangeFeed;
  readonly capabilities: StorageCapabilities;
  /** Starts the background pruning of expired rows; `close` stops it. */
  maintain(options: MaintenanceOptions): Maintenance;
  close(): Promise<void>;
}

export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
}

type Backend = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

/**
 * Refusals name where the URL came from but never repeat it: it may carry a password, and the
 * drivers' own errors for a malformed URL ("Invalid URL", "URI malformed") name nothing.
 */
function selectBackend(url: string | undefined): Backend {
  if (url === undefined || url === '' || url === 'sqlite:') return { kind: 'sqlite' };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new StorageConfigError('the database URL (KEYGATE_DATABASE_URL or storage.url) must be a postgres:// URL or "sqlite:" (the data directory)');
  }
  if (!isWellFormedUrl(url)) throw new StorageConfigError('the database URL (KEYGATE_DATABASE_URL or storage.url) is not a valid URL');
  return { kind: 'postgres', url };
}

/**
 * ioredis reads any other scheme as a Unix socket path and reports the whole URL, password
 * included, in its connection error.
 */
function checkRedisUrl(url: string): void {
  if (!isWellFormedUrl(url)) throw new StorageConfigError('the Redis URL (KEYGATE_REDIS_URL) is not a valid URL');
  const { protocol } = new URL(url);
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new StorageConfigError('the Redis URL (KEYGATE_REDIS_URL) must be a redis:// or rediss:// URL');
}

/** Parses, with a user name and password whose percent-escapes decode (the drivers decode them). */
function isWellFormedUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
    return true;
  } catch {
    return false;
  }
}

/** The storage in words, without credentials, for start-up messages. */
export function describeStorage(options: Pick<StorageOptions, 'dataDir' | 'databaseUrl' | 'redisUrl'>): string {
  const backend = selectBackend(options.databaseUrl);
  const where =
    backend.kind === 'sqlite' ? `SQLite in ${resolve(options.dataDir)}` : `PostgreSQL at ${redact(backend.url)}`;
  return options.redisUrl ? `${where} with Redis at ${redact(options.redisUrl)}` : where;
}

/** Parameters that carry a secret in a libpq-style or ioredis URL (`?password=...`), which both drivers honour. */
const SECRET_PARAMETERS = new Set(['password', 'sslpassword']);

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAMETERS.has(name.toLowerCase())) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** An advisory lock every admin transaction takes first on PostgreSQL, serializing admin writes across instances. */
const ADMIN_LOCK_KEY = 0x6b657967; // "keyg"
const postgresWriteLock: WriteLock = async (trx) => {
  await sql`select pg_advisory_xact_lock(${ADMIN_LOCK_KEY})`.execute(trx);
};

/** The shared migrations, with the plugin that spells their auto-increment key the PostgreSQL way. */
const migratePostgres = (handle: PostgresHandle) => migrateToLatest(handle.db.withPlugin(new PostgresSchemaPlugin()) as never);

interface SqlBackend {
  readonly db: Kysely<Database>;
  readonly writeLock?: WriteLock;
  readonly tokenPath: ReplayStore & TokenLedger & TokenStore & FailureCounter & { close(): void | Promise<void> };
  readonly changes: ChangeFeed;
  readonly capabilities: StorageCapabilities;
  close(): Promise<void>;
}

async function openSqlBackend(options: StorageOptions): Promise<SqlBackend> {
  const backend = selectBackend(options.databaseUrl);
  if (backend.kind === 'postgres') {
    const handle: PostgresHandle = openPostgres({
      url: backend.url,
      schema: options.databaseSchema,
      poolSize: options.poolSize,
      onIdleError: (err) => options.log?.warn({ err }, 'PostgreSQL connection lost'),
    });
    try {
      await migratePostgres(handle);
      const changes = options.redisUrl
        ? null
        : await PostgresChangeFeed.start({
            pool: handle.pool,
            clientConfig: handle.clientConfig,
            channel: `keygate_changes${options.databaseSchema ? `_${options.databaseSchema}` : ''}`.slice(0, 63),
            onError: (err) => options.log?.warn({ err }, 'PostgreSQL change listener lost; reconnecting'),
          });
      return {
        db: handle.db,
        writeLock: postgresWriteLock,
        tokenPath: new PostgresTokenPath(handle.pool),
        changes: changes ?? silentFeed,
        capabilities: { sharedAcrossMachines: true, durableReplay: true },
        close: () => handle.close(),
      };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  const handle = openSqlite(options.dataDir, { synchronous: options.synchronous });
  try {
    await migrateToLatest(handle.db as never);
  } catch (err) {
    await handle.db.destroy();
    throw err;
  }
  return {
    db: handle.db,
    tokenPath: new SqliteTokenPath(handle.raw, { file: handle.file, synchronous: options.synchronous ?? 'FULL' }),
    changes: new SqliteChangeFeed(resolve(handle.file)),
    capabilities: { sharedAcrossMachines: false, durableReplay: true },
    close: () => handle.db.destroy(),
  };
}

/** A feed for when another one (Redis) carries the changes. */
const silentFeed: ChangeFeed = { publish: async () => {}, subscribe: () => {}, close: async () => {} };

/** Opens, migrates and assembles the stores. */
export async function openStores(options: StorageOptions): Promise<OpenedStores> {
  if (options.redisUrl) checkRedisUrl(options.redisUrl);
  const sqlBackend = await openSqlBackend(options);
  const admin = new SqlAdminStore(sqlBackend.db, false, sqlBackend.writeLock);
  const signingKeys = new SqlSigningKeyStore(sqlBackend.db, sqlBackend.writeLock);
  let replay: ReplayStore = sqlBackend.tokenPath;
  let ledger: TokenLedger = sqlBackend.tokenPath;
  let tokens: TokenStore = sqlBackend.tokenPath;
  let failures: FailureCounter = sqlBackend.tokenPath;
  let changes = sqlBackend.changes;
  let capabilities = sqlBackend.capabilities;
  let closeRedis = async () => {};
  if (options.redisUrl) {
    try {
      const prefix = options.redisKeyPrefix ?? 'keygate:';
      const redis = await openRedis({
        url: options.redisUrl,
        keyPrefix: prefix,
        onError: (err) => options.log?.warn({ err }, 'Redis connection error'),
      });
      const subscriber = redis.duplicate();
      try {
        const redisFeed = await RedisChangeFeed.start(redis.redis, subscriber, prefix);
        await sqlBackend.changes.close();
        changes = redisFeed;
      } catch (err) {
        subscriber.disconnect();
        await redis.close();
        throw err;
      }
      const redisReplay = new RedisReplayStore(redis.redis, prefix);
      replay = redisReplay;
      ledger = new RedisReplayLedger(redisReplay, sqlBackend.tokenPath);
      tokens = new RedisRevocationCache(redis.redis, prefix, sqlBackend.tokenPath);
      failures = new RedisFailureCounter(redis.redis, prefix);
      const durability = await inspectDurability(redis.redis).catch(() => ({ appendOnly: false, mayEvict: false }));
      capabilities = { ...capabilities, durableReplay: durability.appendOnly && !durability.mayEvict };
      if (durability.mayEvict) {
        options.log?.warn('Redis may evict keys (maxmemory with a policy other than noeviction): an evicted jti lets its assertion be replayed');
      }
      if (!durability.appendOnly) {
        options.log?.warn('Redis runs without AOF persistence: after a Redis restart, assertions still inside their lifetime could be replayed');
      }
      closeRedis = () => redis.close();
    } catch (err) {
      await sqlBackend.close();
      throw err;
    }
  }
  options.log?.info({ storage: describeStorage(options), capabilities }, 'storage opened');
  let maintenance: Maintenance | null = null;
  return {
    db: sqlBackend.db,
    admin,
    replay,
    ledger,
    tokens,
    failures,
    signingKeys,
    changes,
    capabilities,
    maintain(maintenanceOptions) {
      maintenance ??= startMaintenance((limits) => pruneExpired(sqlBackend.db, limits), {
        onError: (err) => options.log?.warn({ err }, 'storage maintenance pass failed'),
        ...maintenanceOptions,
      });
      return maintenance;
    },
    async close() {
      await maintenance?.stop();
      await changes.close();
      await sqlBackend.tokenPath.close();
      await closeRedis();
      await sqlBackend.close();
    },
  };
}

/** Runs the migrations alone (`keygate migrate`); returns the names of those applied now. */
export async function migrateStorage(options: Pick<StorageOptions, 'dataDir' | 'databaseUrl' | 'databaseSchema'>): Promise<string[]> {
  const backend = selectBackend(options.databaseUrl);
  if (backend.kind === 'postgres') {
    const handle = openPostgres({ url: backend.url, schema: options.databaseSchema });
    try {
      return await migratePostgres(handle);
    } finally {
      await handle.close();
    }
  }
  const handle = openSqlite(options.dataDir);
  try {
    return await migrateToLatest(handle.db as never);
  } finally {
    await handle.db.destroy();
  }
}
