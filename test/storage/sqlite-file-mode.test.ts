/**
 * The SQLite database holds the server's signing key, so its files are readable by their owner
 * only, even in a data directory the operator made beforehand with a mode open to others.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildKeygate, openKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';

const modeOf = (file: string): number => statSync(file).mode & 0o777;

describe('the SQLite files are created readable by their owner only', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keygate-mode-'));
    chmodSync(dir, 0o755);
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keygate.db and its -wal and -shm files are 0600 in an existing 0755 directory under umask 022', async () => {
    const core = await openKeygate({ dataDir: dir });
    await core.services.orgs.upsert({ name: 'Acme', baseUrl: 'https://id.acme.test' });
    await core.close();
    const server = await buildKeygate({ dataDir: dir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }) }, false);
    try {
      for (const name of ['keygate.db', 'keygate.db-wal', 'keygate.db-shm']) expect(modeOf(join(dir, name)), name).toBe(0o600);
    } finally {
      await server.close();
    }
    // The signing key is what makes the mode matter: it is in the file.
    const db = new Database(join(dir, 'keygate.db'), { readonly: true });
    expect((db.prepare('select count(*) as n from signing_keys').get() as { n: number }).n).toBe(1);
    db.close();
  });

  it('an existing database file keeps the mode its operator gave it', async () => {
    writeFileSync(join(dir, 'keygate.db'), '');
    chmodSync(join(dir, 'keygate.db'), 0o640);
    const core = await openKeygate({ dataDir: dir });
    await core.close();
    expect(modeOf(join(dir, 'keygate.db'))).toBe(0o640);
  });
});
