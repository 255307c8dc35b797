import type { Kysely } from 'kysely';

/** Health Review results (kept whole, as their JSON report) and accepted risks. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('generated_at', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('baseline', 'text', (c) => c.notNull())
    .addColumn('app_count', 'integer', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_generated_at').on('reviews').column('generated_at').execute();

  await db.schema
    .createTable('accepted_risks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('control', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text')
    .addUniqueConstraint('accepted_risks_control_subject', ['control', 'subject'])
    .execute();
}
