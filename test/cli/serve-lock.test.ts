/**
 * One `keygate serve` per SQLite data directory (docs/deploy.md): a second server on the same
 * directory is refused, since changes made through one would never reach the other; the lock
 * goes with the server, and one left by a server that died is taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, serve } from './run-cli.js';

describe('keygate serve: one server per SQLite data directory', () => {
  let dataDir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-serve-lock-'));
    expect((await keygate(['init', '--data', dataDir])).code).toBe(0);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second server on the directory while the first runs, and frees it when the first stops', async () => {
    const first = await serve(['--data', dataDir, '--port', '0']);
    try {
      const second = await keygate(['serve', '--data', dataDir, '--port', '0']);
      expect(second.code).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr).toBe(
        `keygate: another keygate serve (pid ${first.child.pid}) uses the data directory ${dataDir}; if none runs, delete ${join(dataDir, 'serve.pid')}\n`,
      );
      // The demo serves SQLite from its directory as well.
      const demo = await keygate(['demo', '--data', dataDir, '--port', '0']);
      expect(demo.code).toBe(2);
      expect(demo.stderr).toMatch(/^keygate: another keygate serve \(pid \d+\) uses the data directory /);
      expect(existsSync(join(dataDir, 'keygate.yaml'))).toBe(false);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dataDir, 'serve.pid'))).toBe(false);
    const next = await serve(['--data', dataDir, '--port', '0']);
    await next.stop();
  }, 60_000);

  it('takes over a lock left by a server that no longer runs', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dataDir, 'serve.pid'), `${gone}\n`);
    const server = await serve(['--data', dataDir, '--port', '0']);
    await server.stop();
  }, 60_000);
});
