import type { Kysely } from 'kysely';

/**
 * The key as this migration computes it, kept here rather than imported: a migration must do
 * the same on every database it ever runs on, whatever the domain's usernameKey becomes.
 */
const usernameKey = (username: string): string => username.toLowerCase();

/**
 * Usernames are unique regardless of letter case (see usernameKey): a `username_key` column
 * with a unique index. A database may already hold users whose usernames differ only in case;
 * none is renamed, merged or deleted. Each of them gets a key of its own (the shared key, a line
 * feed, its id: no username holds a line feed), so each is still found by its exact username and
 * none by another spelling, and a new user cannot take that name in any case. docs/admin-api.md
 * says how to resolve such a clash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('username_key', 'text').execute();
  const users = db as unknown as Kysely<{ users: { id: string; username: string; username_key: string | null } }>;
  const rows = await users.selectFrom('users').select(['id', 'username']).execute();
  const sharing = new Map<string, number>();
  for (const row of rows) sharing.set(usernameKey(row.username), (sharing.get(usernameKey(row.username)) ?? 0) + 1);
  for (const row of rows) {
    const key = usernameKey(row.username);
    await users
      .updateTable('users')
      .set({ username_key: sharing.get(key)! > 1 ? `${key}\n${row.id}` : key })
      .where('id', '=', row.id)
      .execute();
  }
  await db.schema.createIndex('users_username_case_unique').on('users').column('username_key').unique().execute();
}
