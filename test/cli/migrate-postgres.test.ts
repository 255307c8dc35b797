/**
 * `keygate migrate` with KEYGATE_DATABASE_URL: applies every migration to a fresh database,
 * changes nothing on an up-to-date one, and names the database in its one line of output
 * without any password the URL carries, in its user information or as libpq's `password`
 * parameter.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../contract/backends.js';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate migrate with KEYGATE_DATABASE_URL', () => {
  const database = `keygate_migrate_${randomBytes(6).toString('hex')}`;
  let dataDir: string;

  async function withAdminConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** The test database's URL, with `password` (trust authentication ignores it) in the place given. */
  function urlWithPassword(where: 'userinfo' | 'query'): string {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${database}`;
    if (where === 'userinfo') url.password = 's3cret-pw';
    else url.searchParams.set('password', 's3cret-pw');
    return url.href;
  }

  beforeAll(async () => {
    await ensureBuilt();
    await withAdminConnection((c) => c.query(`create database ${database}`));
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-migrate-pg-'));
  });
  afterAll(async () => {
    await withAdminConnection((c) => c.query(`drop database if exists ${database} with (force)`));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies every migration once, then finds the schema up to date, never printing the password', async () => {
    const fresh = await keygate(['migrate', '--data', dataDir], { KEYGATE_DATABASE_URL: urlWithPassword('userinfo') });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(new RegExp(`^PostgreSQL at postgres://[^ ]+/${database}: applied 0001-initial, 0002-console, [0-9a-z, -]+\\n$`));
    const again = await keygate(['migrate', '--data', dataDir], { KEYGATE_DATABASE_URL: urlWithPassword('query') });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^PostgreSQL at postgres://[^ ]+/${database}\\?password=\\*\\*\\*: schema already up to date\\n$`));
    for (const result of [fresh, again]) expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
  }, 60_000);
});
