/**
 * The SQLite writer thread waits for a write lock held by another connection (a `--workers`
 * sibling, the CLI) and commits once it is free, instead of failing or sleeping in SQLite's
 * growing back-off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores, type OpenedStores } from '../../src/storage/open-stores.js';
import { aLoginEvent } from '../contract/fixtures.js';

describe('SQLite writer thread under a held write lock', () => {
  let dir: string;
  let stores: OpenedStores;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keygate-busy-'));
    stores = await openStores({ dataDir: dir });
  });
  afterAll(async () => {
    await stores?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits a token request once a sibling releases the lock it held for 300 ms', async () => {
    const sibling = new Database(join(dir, 'keygate.db'));
    try {
      sibling.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const commit = stores.ledger.commitIssue({
        replay: { namespace: 'app-a', key: 'jti:held-lock', expiresAtSeconds: Math.floor(Date.now() / 1000) + 300 },
        opaque: null,
        event: aLoginEvent({ appName: 'held-lock' }),
      });
      await new Promise((r) => setTimeout(r, 300));
      sibling.exec('COMMIT');
      expect(await commit).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await stores.admin.queryLoginHistory({ appName: 'held-lock' })).total).toBe(1);
    } finally {
      sibling.close();
    }
  });
});
