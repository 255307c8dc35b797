/**
 * Opens PostgreSQL: one `pg` pool shared by Kysely (admin queries, migrations) and the token
 * path's hand-written statements. Timeouts are short on purpose: when the database is away a
 * token request must fail within a couple of seconds with 503, never hang on a dead socket.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database as Tables } from '../sql/tables.js';

export interface PostgresOptions {
  /** `postgres://user@host:port/database`; the usual libpq parameters apply. */
  readonly url: string;
  /** Schema to work in (sets `search_path`); tests use a fresh one per run. */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection, new or from the pool (default 2000 ms). */
  readonly connectTimeoutMs?: number;
  /** How long one statement may run, enforced by the server and the client (default 5000 ms). */
  readonly queryTimeoutMs?: number;
  /** Called with errors raised by idle connections (the server went away); they are not fatal. */
  readonly onIdleError?: (error: Error) => void;
}

export interface PostgresHandle {
  readonly pool: pg.Pool;
  readonly db: Kysely<Tables>;
  /** Settings for a dedicated connection outside the pool (the LISTEN connection). */
  readonly clientConfig: pg.ClientConfig;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * Epoch milliseconds and counts come back from `bigint` columns; they fit a double, so they
 * are parsed as numbers for this pool only (pg's global parser table is left alone).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** A schema name safe to splice into `search_path` and DDL. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
  return schema;
}

export function postgresClientConfig(options: PostgresOptions): pg.ClientConfig {
  const queryTimeout = options.queryTimeoutMs ?? 5000;
  return {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    query_timeout: queryTimeout,
    statement_timeout: queryTimeout,
    keepAlive: true,
    application_name: 'keygate',
    types,
    ...(options.schema ? { options: `-c search_path=${checkSchemaName(options.schema)}` } : {}),
  };
}

export function openPostgres(options: PostgresOptions): PostgresHandle {
  const clientConfig = postgresClientConfig(options);
  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection whose server went away emits here; without a listener the process would exit.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    clientConfig,
    // Kysely's destroy ends the pool.
    close: () => db.destroy(),
  };
}

/** Creates the schema if it is missing (for `schema` in {@link PostgresOptions}). */
export async function createSchema(url: string, schema: string): Promise<void> {
  const handle = openPostgres({ url });
  try {
    await sql`create schema if not exists ${sql.id(checkSchemaName(schema))}`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

/** Drops a schema and everything in it (tests clean up with this). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const handle = openPostgres({ url });
  try {
    await sql`drop schema if exists ${sql.id(checkSchemaName(schema))} cascade`.execute(handle.db);
  } finally {
    await handle.close();
  }
}
