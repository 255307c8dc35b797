import type { Kysely } from 'kysely';

/**
 * The login history records the scope each issued token carries, so that an audit can tell
 * which requests obtained `admin` or `full`. Older rows, and every failure, hold null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('login_history').addColumn('scope', 'text').execute();
}
