/**
 * Upgrading a database that an older Keygate wrote: the migrations it lacks run at start-up and
 * keep every row. Here, login history recorded before the rows had a scope, a user from before
 * users had a token cut-off, and users whose usernames differ only in case (on both backends).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchema, dropSchema, openPostgres } from '../../src/storage/postgres/postgres-database.js';
import { PostgresSchemaPlugin } from '../../src/storage/postgres/postgres-schema-plugin.js';
import { TEST_DATABASE_URL } from '../contract/backends.js';
import { NewerSchemaError, keygateMigrator } from '../../src/storage/migrations/index.js';
import { migrateStorage, openStores } from '../../src/storage/open-stores.js';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data directory as Keygate left it before migration 0004, with one login-history row and one user. */
async function databaseBeforeScope(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'keygate-migrate-'));
  dirs.push(dir);
  const handle = openSqlite(dir);
  const { error } = await keygateMigrator(handle.db as unknown as Kysely<unknown>).migrateTo('0003-reviews');
  expect(error).toBeUndefined();
  handle.raw
    .prepare(
      `INSERT INTO login_history (id, at, app_name, username, grant_type, credential, client_address, outcome, reason)
       VALUES ('old-1', 1700000000000, 'ERP Sync', 'erp@acme.test', 'jwt-bearer', 'assertion', '10.0.0.1', 'success', 'ok')`,
    )
    .run();
  handle.raw
    .prepare(
      `INSERT INTO users (id, username, email, profile, permission_sets, permissions, active, locked, login_ip_ranges, approved_apps)
       VALUES ('005000000000000old', 'erp@acme.test', 'erp@acme.test', 'Integration', '["ERP"]', '["ApiEnabled"]', 1, 0, '[]', '[]')`,
    )
    .run();
  await handle.db.destroy();
  return dir;
}

describe('migrations on an existing SQLite database', () => {
  it('0004 adds the scope to the login history, 0005 the users\' token cut-off and 0006 the failure counts (0007 indexes expiries); older rows keep every field and read null', async () => {
    const dataDir = await databaseBeforeScope();
    expect(await migrateStorage({ dataDir })).toEqual(['0004-login-history-scope', '0005-user-token-cutoff', '0006-failure-counts', '0007-expiry-indexes', '0008-username-case']);
    expect(await migrateStorage({ dataDir })).toEqual([]);

    const stores = await openStores({ dataDir });
    try {
      const { events, total } = await stores.admin.queryLoginHistory({});
      expect(total).toBe(1);
      expect(events[0]).toMatchObject({
        id: 'old-1',
        at: new Date(1700000000000),
        appName: 'ERP Sync',
        username: 'erp@acme.test',
        outcome: 'success',
        reason: 'ok',
        scope: null,
      });
      expect(await stores.admin.findUser({ username: 'erp@acme.test' })).toMatchObject({
        id: '005000000000000old',
        profile: 'Integration',
        permissionSets: ['ERP'],
        permissions: ['ApiEnabled'],
        active: true,
        locked: false,
        tokensRevokedAt: null,
      });
    } finally {
      await stores.close();
    }
  });

  it('0007 indexes the expiry the maintenance pass deletes revocations and opaque tokens by', async () => {
    const dataDir = await databaseBeforeScope();
    await migrateStorage({ dataDir });
    const handle = openSqlite(dataDir);
    try {
      const plan = (table: string) =>
        handle.raw.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM ${table} WHERE expires_at_s < 100 LIMIT 10`).all() as { detail: string }[];
      expect(plan('revoked_tokens').map((row) => row.detail)).toEqual([expect.stringContaining('USING COVERING INDEX revoked_tokens_expiry')]);
      expect(plan('opaque_tokens').map((row) => row.detail)).toEqual([expect.stringContaining('USING COVERING INDEX opaque_tokens_expiry')]);
    } finally {
      await handle.db.destroy();
    }
  });

  it('0008 keeps users whose usernames already differ only in case, each found by its exact username only, and makes usernames unique in any case', async () => {
    const dataDir = await databaseBeforeScope();
    const handle = openSqlite(dataDir);
    for (const [id, username] of [['005000000000000dup', 'dup@acme.test'], ['005000000000000DUP', 'DUP@acme.test']]) {
      handle.raw
        .prepare(
          `INSERT INTO users (id, username, email, profile, permission_sets, permissions, active, locked, login_ip_ranges, approved_apps)
           VALUES (?, ?, ?, 'Integration', '[]', '[]', 1, 0, '[]', '[]')`,
        )
        .run(id, username, username);
    }
    await handle.db.destroy();
    await migrateStorage({ dataDir });
    const stores = await openStores({ dataDir });
    try {
      expect(await stores.admin.findUser({ username: 'ERP@acme.test' })).toMatchObject({ id: '005000000000000old', username: 'erp@acme.test' });
      expect(await stores.admin.findUser({ username: 'dup@acme.test' })).toMatchObject({ id: '005000000000000dup' });
      expect(await stores.admin.findUser({ username: 'DUP@acme.test' })).toMatchObject({ id: '005000000000000DUP' });
      expect(await stores.admin.findUser({ username: 'Dup@acme.test' })).toBeUndefined();
      expect((await stores.admin.listUsers()).map((u) => u.id).sort()).toEqual(['005000000000000DUP', '005000000000000dup', '005000000000000old']);
      const user = (await stores.admin.findUser({ username: 'erp@acme.test' }))!;
      await expect(stores.admin.insertUser({ ...user, id: '005000000000000new', username: 'Erp@Acme.test' })).rejects.toThrow();
      // Once one of the pair is gone, the other is found by any spelling again.
      await stores.admin.deleteUser('005000000000000DUP');
      expect(await stores.admin.findUser({ username: 'Dup@acme.test' })).toMatchObject({ id: '005000000000000dup' });
    } finally {
      await stores.close();
    }
  });

  it('a database a newer Keygate migrated is refused with a message that says so, not as corrupted', async () => {
    const dataDir = await databaseBeforeScope();
    await migrateStorage({ dataDir });
    const handle = openSqlite(dataDir);
    handle.raw.prepare("INSERT INTO keygate_migrations (name, timestamp) VALUES ('0999-from-a-newer-keygate', '2030-01-01T00:00:00.000Z')").run();
    await handle.db.destroy();
    const refused = await migrateStorage({ dataDir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NewerSchemaError);
    expect((refused as Error).message).toBe(
      'the database was migrated by a newer Keygate (migration 0999-from-a-newer-keygate); run that version, or restore a backup taken before the upgrade',
    );
  });
});

describe('migrations on an existing PostgreSQL database', () => {
  it('0008 keeps users whose usernames already differ only in case, each found by its exact username only', async () => {
    const schema = `keygate_test_${randomBytes(6).toString('hex')}`;
    await createSchema(TEST_DATABASE_URL, schema);
    try {
      const handle = openPostgres({ url: TEST_DATABASE_URL, schema });
      try {
        const migrator = keygateMigrator(handle.db.withPlugin(new PostgresSchemaPlugin()) as unknown as Kysely<unknown>);
        expect((await migrator.migrateTo('0007-expiry-indexes')).error).toBeUndefined();
        for (const [id, username] of [['005000000000000dup', 'dup@acme.test'], ['005000000000000DUP', 'DUP@acme.test'], ['005000000000000one', 'One@acme.test']]) {
          await sql`INSERT INTO users (id, username, email, profile, permission_sets, permissions, active, locked, login_ip_ranges, approved_apps)
                    VALUES (${id}, ${username}, ${username}, 'Integration', '[]', '[]', 1, 0, '[]', '[]')`.execute(handle.db);
        }
      } finally {
        await handle.close();
      }
      const options = { dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, databaseSchema: schema };
      expect(await migrateStorage(options)).toEqual(['0008-username-case']);
      const stores = await openStores(options);
      try {
        expect(await stores.admin.findUser({ username: 'one@ACME.test' })).toMatchObject({ id: '005000000000000one', username: 'One@acme.test' });
        expect(await stores.admin.findUser({ username: 'dup@acme.test' })).toMatchObject({ id: '005000000000000dup' });
        expect(await stores.admin.findUser({ username: 'DUP@acme.test' })).toMatchObject({ id: '005000000000000DUP' });
        expect(await stores.admin.findUser({ username: 'Dup@acme.test' })).toBeUndefined();
        const one = (await stores.admin.findUser({ username: 'One@acme.test' }))!;
        await expect(stores.admin.insertUser({ ...one, id: '005000000000000new', username: 'ONE@acme.test' })).rejects.toThrow();
      } finally {
        await stores.close();
      }
    } finally {
      await dropSchema(TEST_DATABASE_URL, schema);
    }
  });
});
