import type { Kysely } from 'kysely';

/**
 * Failed requests per client address in fixed windows, shared by every instance on the same
 * database (the token endpoint's failure limit). A row outlives its window only until the
 * maintenance pass deletes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('failure_counts')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('window_start_s', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('expires_at_s', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('failure_counts_pk', ['subject', 'window_start_s'])
    .execute();
  await db.schema.createIndex('failure_counts_expiry').on('failure_counts').column('expires_at_s').execute();
}
