/**
 * The group-commit queue hands the writer its next batch as soon as the previous one has
 * committed, even while the event loop is busy: a request that reaches its commit picks up
 * the writer's waiting reply itself (decision 0003).
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

/** Blocks the event loop until `done` holds, for at most `ms`; returns whether it did. */
function spinUntil(done: () => boolean, ms: number): boolean {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) if (done()) return true;
  return false;
}

describe('SQLite group-commit queue', () => {
  let dir: string;
  let queue: WriteQueue;
  let reader: Database.Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keygate-queue-'));
    await (await openStores({ dataDir: dir })).close();
    const file = join(dir, 'keygate.db');
    queue = new WriteQueue({ file, synchronous: 'FULL', sharedFile: false });
    reader = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    await queue?.close();
    reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (appName: string) => reader.prepare('SELECT count(*) AS n FROM login_history WHERE app_name = ?').get(appName) as { n: number };
  const write = (appName: string) => queue.enqueue(['event', loginEventToRow(aLoginEvent({ appName }))]);

  it('sends the next batch while the event loop is still busy once the previous one has committed', async () => {
    await write('warm-up'); // the writer thread is running
    const first = write('first');
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is with the writer
    // From here on the event loop never polls until both rows are on disk, or the spins give up.
    expect(spinUntil(() => committed('first').n === 1, 5_000)).toBe(true);
    const second = write('second');
    expect(spinUntil(() => committed('second').n === 1, 5_000)).toBe(true);
    expect(await first).toBe(true);
    expect(await second).toBe(true);
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
