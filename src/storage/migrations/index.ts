import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as consoleTables from './0002-console.js';
import * as reviews from './0003-reviews.js';
import * as loginHistoryScope from './0004-login-history-scope.js';
import * as userTokenCutoff from './0005-user-token-cutoff.js';
import * as failureCounts from './0006-failure-counts.js';
import * as expiryIndexes from './0007-expiry-indexes.js';
import * as usernameCase from './0008-username-case.js';

/** Migrations, in order. Portable schema-builder code shared by every SQL backend. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-console': consoleTables,
  '0003-reviews': reviews,
  '0004-login-history-scope': loginHistoryScope,
  '0005-user-token-cutoff': userTokenCutoff,
  '0006-failure-counts': failureCounts,
  '0007-expiry-indexes': expiryIndexes,
  '0008-username-case': usernameCase,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Kysely's migrator over Keygate's migrations and its bookkeeping tables. */
export function keygateMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider, migrationTableName: 'keygate_migrations', migrationLockTableName: 'keygate_migrations_lock' });
}

/**
 * Brings the schema up to date. Kysely takes a lock first (an advisory lock on PostgreSQL),
 * so instances starting together do not race.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await keygateMigrator(db).migrateToLatest();
  // Kysely's word for it: the first recorded migration this build lacks.
  const unknown = error instanceof Error ? /previously executed migration (\S+) is missing/.exec(error.message)?.[1] : undefined;
  if (unknown !== undefined) throw new NewerSchemaError(unknown);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The database holds migrations this build does not know: a newer Keygate wrote it. Migrations
 * only go forward, so the way back is that newer version or a backup from before the upgrade.
 */
export class NewerSchemaError extends Error {
  constructor(readonly unknownMigration: string) {
    super(`the database was migrated by a newer Keygate (migration ${unknownMigration}); run that version, or restore a backup taken before the upgrade`);
    this.name = 'NewerSchemaError';
  }
}

