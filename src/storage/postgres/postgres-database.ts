/**
 * Opens PostgreSQL: one `pg` pool shared by Kysely (admin queries, migrations) and the token
 * path's hand-written statements. Timeouts are short on purpose: when the database is away a
 * token request must fail within a couple of seconds with 503, never hang on a dead socket.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import { StoreUnavailableError } from '../../oauth/ports.js';
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

/** PostgreSQL cannot be reached: the server is down, restarting, or behind a network fault. */
export class PostgresUnavailableError extends StoreUnavailableError {
  constructor(message: string, options?: ErrorOptions) {
    super('postgresql', message, options);
  }
}

/** Programming errors raised inside the driver (a bad parameter), which carry no SQLSTATE either. */
const FAULTS = [TypeError, RangeError, SyntaxError, ReferenceError];

/**
 * Whether an error says the server cannot be reached (rather than that a statement was wrong):
 * no SQLSTATE at all (refused, reset, timed out), or class 08 (connection exception) or 57P
 * (the server is shutting down or restarting).
 */
export function isUnreachable(error: unknown): boolean {
  if (FAULTS.some((fault) => error instanceof fault)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P');
}

/** The driver's error, or a {@link PostgresUnavailableError} with it as the cause when it is an outage. */
export function outageOf(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnreachable(error)) return error;
  return new PostgresUnavailableError(`PostgreSQL is unreachable: ${(error as Error).message}`, { cause: error });
}

const rethrowOutage = (error: unknown): never => {
  throw outageOf(error);
};

/**
 * The pool as Kysely sees it, reporting an unreachable server as a
 * {@link PostgresUnavailableError}, so that the admin API, the console and the directory
 * answer an outage as the token path does (503), not as a fault.
 */
function reportingOutages(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      return reportingClient(await pool.connect().catch(rethrowOutage));
    },
    end: () => pool.end(),
  };
}

function reportingClient(client: pg.PoolClient): PostgresPoolClient {
  function query<R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(textOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // A cursor (Kysely's `stream()`, unused here) is a pg Submittable: handed over untouched.
    if (typeof textOrCursor !== 'string') return client.query(textOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return client.query(textOrCursor, [...(parameters ?? [])]).catch(rethrowOutage) as Promise<PostgresQueryResult<R>>;
  }
  return { query, release: (destroy?: boolean) => client.release(destroy) };
}

export function openPostgres(options: PostgresOptions): PostgresHandle {
  const clientConfig = postgresClientConfig(options);
  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection whose server went away emits here; without a listener the process would exit.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: reportingOutages(pool) }) });
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
