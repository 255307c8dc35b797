/**
 * A backing service that cannot be reached at start-up: `keygate serve` reports it in one line
 * and exits 1, as it does for PostgreSQL, instead of staying alive (not listening) while a
 * client library retries in the background. Runs the CLI from source in a child process, since
 * what is checked is that the process ends by itself.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, dropSchema } from '../../src/storage/postgres/postgres-database.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../contract/backends.js';
import { closedPort } from './cuttable-proxy.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = pathToFileURL(join(ROOT, 'src/cli/main.ts')).href;

/** Far beyond the 2 s connect timeout; a process still alive then is not going to stop. */
const GIVE_UP_MS = 30_000;

interface Exit {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `keygate ARGS...` from source; kills it after {@link GIVE_UP_MS} (code null). */
function keygateFromSource(args: readonly string[], env: Record<string, string>): Promise<Exit> {
  const script = `const m = await import(${JSON.stringify(CLI)}); await m.main(['node', 'keygate', ...process.argv.slice(1)]);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, KEYGATE_DATA_DIR: '', KEYGATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), GIVE_UP_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('keygate serve when Redis cannot be reached at start-up', () => {
  const schema = `keygate_startup_${randomBytes(6).toString('hex')}`;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-startup-'));
    await createSchema(TEST_DATABASE_URL, schema);
  });
  afterAll(async () => {
    await dropSchema(TEST_DATABASE_URL, schema);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 1 by itself with one line naming Redis and the reason, and no reconnect warnings', { timeout: GIVE_UP_MS + 30_000 }, async () => {
    const port = await closedPort();
    const databaseUrl = new URL(TEST_DATABASE_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const exit = await keygateFromSource(['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
      KEYGATE_DATABASE_URL: databaseUrl.toString(),
      KEYGATE_REDIS_URL: `redis://127.0.0.1:${port}/7`,
    });
    expect(exit.output.trim().split('\n')).toEqual([`keygate: cannot connect to Redis: connect ECONNREFUSED 127.0.0.1:${port}`]);
    expect(exit.code).toBe(1);
  });

  it('a KEYGATE_REDIS_URL that is not a redis:// or rediss:// URL ends start-up in one line that never shows its password', { timeout: 120_000 }, async () => {
    const databaseUrl = new URL(TEST_DATABASE_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const cases: Array<[string, string]> = [
      ['http://:s3cret-pw@127.0.0.1:6379', 'keygate: the Redis URL (KEYGATE_REDIS_URL) must be a redis:// or rediss:// URL'],
      ['unix:///run/s3cret-pw.sock', 'keygate: the Redis URL (KEYGATE_REDIS_URL) must be a redis:// or rediss:// URL'],
      ['redis://:s3cret-pw@127.0.0.1:port/0', 'keygate: the Redis URL (KEYGATE_REDIS_URL) is not a valid URL'],
      ['redis://:s3cret-pw%zz@127.0.0.1:6379/0', 'keygate: the Redis URL (KEYGATE_REDIS_URL) is not a valid URL'],
    ];
    for (const [url, line] of cases) {
      const exit = await keygateFromSource(['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
        KEYGATE_DATABASE_URL: databaseUrl.toString(),
        KEYGATE_REDIS_URL: url,
      });
      expect(exit.output.trim().split('\n'), url).toEqual([line]);
      expect(exit.code, url).toBe(1);
    }
  });

  it('a malformed KEYGATE_DATABASE_URL ends start-up in one line that names it and never shows its password', { timeout: 60_000 }, async () => {
    for (const url of ['postgres://keygate:s3cret-pw@127.0.0.1:port/keygate', 'mysql://keygate:s3cret-pw@127.0.0.1/keygate']) {
      const exit = await keygateFromSource(['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0'], { KEYGATE_DATABASE_URL: url });
      const reason = url.startsWith('mysql') ? 'must be a postgres:// URL or "sqlite:" (the data directory)' : 'is not a valid URL';
      expect(exit.output.trim().split('\n'), url).toEqual([`keygate: the database URL (KEYGATE_DATABASE_URL or storage.url) ${reason}`]);
      expect(exit.code, url).toBe(1);
    }
  });

  it('a KEYGATE_REDIS_URL naming a database the server does not have ends start-up rather than serving from database 0', { timeout: GIVE_UP_MS + 30_000 }, async () => {
    const databaseUrl = new URL(TEST_DATABASE_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.pathname = '/100000';
    const exit = await keygateFromSource(['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
      KEYGATE_DATABASE_URL: databaseUrl.toString(),
      KEYGATE_REDIS_URL: redisUrl.toString(),
    });
    expect(exit.output.trim().split('\n')).toEqual(['keygate: cannot connect to Redis: ERR DB index is out of range']);
    expect(exit.code).toBe(1);
  });
});
