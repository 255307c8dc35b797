import type { Kysely } from 'kysely';

/**
 * The maintenance pass deletes revocations and opaque tokens by their expiry, in bounded
 * batches; without an index each batch scanned the whole table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('revoked_tokens_expiry').on('revoked_tokens').column('expires_at_s').execute();
  await db.schema.createIndex('opaque_tokens_expiry').on('opaque_tokens').column('expires_at_s').execute();
}
