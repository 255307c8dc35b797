/**
 * `keygate serve` on SQLite names a database file that other users can read: it holds the
 * server's signing key. The mode is the operator's to change; the warning says how.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, serve } from './run-cli.js';

describe('keygate serve: the mode of keygate.db', () => {
  let dir: string;
  let data: string[];

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'keygate-db-mode-'));
    data = ['--data', join(dir, 'data')];
    expect((await keygate(['init', ...data, '--base-url', 'http://127.0.0.1:8080'])).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const warningsOf = async (): Promise<string[]> => {
    const server = await serve([...data, '--port', '0']);
    await server.stop();
    return server.output().split('\n').filter((line) => line.startsWith('keygate: warning:'));
  };

  it('says nothing of the file as keygate init created it: readable by its owner only', async () => {
    expect(statSync(join(dir, 'data', 'keygate.db')).mode & 0o777).toBe(0o600);
    expect(await warningsOf()).toEqual([]);
  }, 60_000);

  it('warns, naming the file and its mode, when other users can read it', async () => {
    const file = join(dir, 'data', 'keygate.db');
    chmodSync(file, 0o644);
    expect(await warningsOf()).toEqual([
      `keygate: warning: ${file} is open to other users (mode 0644) and holds the server's signing key: make it and its -wal and -shm files readable by their owner only (chmod 600)`,
    ]);
  }, 60_000);
});
