/**
 * Opens the embedded SQLite database: WAL journal, full fsync on commit, foreign keys on,
 * and a busy timeout for the CLI that may open the file while a server runs.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../../platform/make-directory.js';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type { Database as Tables } from '../sql/tables.js';

export interface SqliteHandle {
  readonly raw: Database.Database;
  readonly db: Kysely<Tables>;
  readonly file: string;
}

export interface SqliteOptions {
  /** `FULL` (default) fsyncs every commit; `NORMAL` trades the last commits on power loss for speed. */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Kysely transactions (the admin writes) begin IMMEDIATE: they read, then write, and a
 * deferred transaction whose snapshot another process (a `--workers` sibling) has moved past
 * fails at its first write with SQLITE_BUSY instead of waiting for the lock.
 */
class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.settings);
  }
}

export function openSqlite(dataDir: string, options: SqliteOptions = {}): SqliteHandle {
  makeDirectory(dataDir, 0o700);
  const file = join(dataDir, 'keygate.db');
  createOwnerOnly(file);
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({ dialect: new ImmediateTransactionDialect({ database: raw }) });
  return { raw, db, file };
}

/**
 * Creates the database file readable and writable by its owner only, unless it exists: it holds
 * the server's signing key, and a data directory the operator made beforehand may be open to
 * others (`--data` is only created 0700 when it is missing). SQLite gives the `-wal` and `-shm`
 * files it creates the database file's mode. An existing file keeps the mode it was given.
 */
function createOwnerOnly(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
