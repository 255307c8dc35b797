/**
 * The group-commit queue (decision 0003): writes queued together commit together, and each
 * caller learns the result of its own write only once its batch is on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/storage/open-stores.js';
import { loginEventToRow } from '../../src/storage/sql/mappers.js';
import { WriteQueue } from '../../src/storage/sqlite/write-queue.js';
import { aLoginEvent } from '../contract/fixtures.js';

describe('SQLite group-commit queue', () => {
  let dir: string;
  let queue: WriteQueue;
  let reader: Database.Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keygate-queue-'));
    await (await openStores({ dataDir: dir })).close();
    const file = join(dir, 'keygate.db');
    queue = new WriteQueue({ file, synchronous: 'FULL' });
    reader = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    await queue?.close();
    reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (appName: string) => reader.prepare('SELECT count(*) AS n FROM login_history WHERE app_name = ?').get(appName) as { n: number };
  const write = (appName: string) => queue.enqueue(['event', loginEventToRow(aLoginEvent({ appName }))]);

  it('answers a write only once its row can be read through another connection', async () => {
    const answer = write('visible-on-answer');
    // Queued, not yet sent: the batch leaves at the end of this turn of the event loop.
    expect(committed('visible-on-answer').n).toBe(0);
    expect(await answer).toBe(true);
    expect(committed('visible-on-answer').n).toBe(1);
  });

  it('gives each write its own result once its batch has committed', async () => {
    const results = await Promise.all([
      queue.enqueue(['jti', 'app-q', 'jti:one', 2_000_000_000]),
      queue.enqueue(['jti', 'app-q', 'jti:one', 2_000_000_000]),
      queue.enqueue(['jti', 'app-q', 'jti:two', 2_000_000_000]),
    ]);
    expect(results).toEqual([true, false, true]);
  });
});
