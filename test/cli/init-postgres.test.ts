/**
 * `keygate init` writes to the database `serve` and `migrate` use: with KEYGATE_DATABASE_URL,
 * PostgreSQL, not a SQLite file in the data directory, which still keeps the Admin CLI's key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../contract/backends.js';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate init with KEYGATE_DATABASE_URL', () => {
  const database = `keygate_init_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(TEST_DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  let dataDir: string;

  async function withAdminConnection<T>(work: (client: pg.Client) => Promise<T>, url = TEST_DATABASE_URL): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await ensureBuilt();
    await withAdminConnection((c) => c.query(`create database ${database}`));
    dataDir = join(await mkdtemp(join(tmpdir(), 'keygate-init-pg-')), 'data');
  });
  afterAll(async () => {
    await withAdminConnection((c) => c.query(`drop database if exists ${database} with (force)`));
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('creates the org, the administrator and the Admin CLI app in PostgreSQL, and only the key in the data directory', async () => {
    const result = await keygate(['init', '--data', dataDir, '--base-url', 'https://id.acme.test'], { KEYGATE_DATABASE_URL: databaseUrl.href });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^initialised: administrator admin@keygate\.local, app "Admin CLI"/);
    const rows = await withAdminConnection(
      async (c) => ({
        apps: (await c.query('select name from apps')).rows.map((r: { name: string }) => r.name),
        users: (await c.query('select username from users')).rows.map((r: { username: string }) => r.username),
      }),
      databaseUrl.href,
    );
    expect(rows).toEqual({ apps: ['Admin CLI'], users: ['admin@keygate.local'] });
    expect(existsSync(join(dataDir, 'keygate.db'))).toBe(false);
    expect((await stat(join(dataDir, 'admin-cli.key.pem'))).mode & 0o777).toBe(0o600);
  }, 60_000);
});
