import type { Kysely } from 'kysely';

/**
 * When a user was last deactivated or locked: the tokens issued until then stay refused once
 * the user is back. Existing users hold null (no cut-off).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('tokens_revoked_at', 'bigint').execute();
}
