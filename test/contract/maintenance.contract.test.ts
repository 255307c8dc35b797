/** Maintenance contract: expired rows and old login history go, in bounded batches; live rows stay. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStores } from '../../src/storage/open-stores.js';
import { BACKENDS, type BackendRun } from './backends.js';
import { aLoginEvent } from './fixtures.js';

describe.each(BACKENDS)('Maintenance on $name', (backend) => {
  let run: BackendRun;
  let stores: OpenedStores;
  beforeAll(async () => {
    run = await backend.start();
    stores = await run.open();
  });
  afterAll(() => run?.dispose());

  it('deletes expired jti rows, revocations, opaque tokens, failure counts and history past retention, and nothing else', async () => {
    const now = Math.floor(Date.now() / 1000);
    const db = stores.db;
    // Rows written straight into the tables: with Redis the replay store is not SQL at all.
    await db
      .insertInto('used_jti')
      .values(Array.from({ length: 25 }, (_, i) => ({ namespace: 'a', jti: `old-${i}`, expires_at_s: now - 10 })))
      .execute();
    await db.insertInto('used_jti').values({ namespace: 'a', jti: 'live', expires_at_s: now + 300 }).execute();
    await stores.tokens.revoke('revoked-old', 'a', now - 10);
    await stores.tokens.revoke('revoked-live', 'a', now + 300);
    const opaque = (hash: string, id: string, expiresAt: number) => ({
      token_hash: hash, token_id: id, app_id: 'a', user_id: 'u', scope: 'api', issued_at_s: now - 3600, expires_at_s: expiresAt,
    });
    await db.insertInto('opaque_tokens').values([opaque(`h-${randomUUID()}`, 'opaque-old', now - 10), opaque('h-live', 'opaque-live', now + 300)]).execute();
    // Written straight into the table too: with Redis the counters live there.
    await db
      .insertInto('failure_counts')
      .values([
        { subject: '192.0.2.1', window_start_s: now - 120, failures: 3, expires_at_s: now - 60 },
        { subject: '192.0.2.1', window_start_s: now - 30, failures: 1, expires_at_s: now + 30 },
      ])
      .execute();
    const day = 86_400_000;
    for (let i = 0; i < 12; i += 1) await stores.ledger.record(aLoginEvent({ appName: 'old', at: new Date(Date.now() - 91 * day - i) }));
    await stores.ledger.record(aLoginEvent({ appName: 'recent', at: new Date(Date.now() - 89 * day) }));

    const maintenance = stores.maintain({ loginHistoryRetentionDays: 90, batchSize: 10, maxBatches: 100, intervalMs: 3_600_000 });
    const report = await maintenance.runOnce();
    expect(report).toEqual({ usedJti: 25, revokedTokens: 1, opaqueTokens: 1, failureCounts: 1, loginHistory: 12 });

    const jtis = await db.selectFrom('used_jti').select('jti').execute();
    expect(jtis.map((r) => r.jti)).toEqual(['live']);
    expect(await stores.tokens.findOpaque('h-live')).toBeDefined();
    expect((await stores.admin.queryLoginHistory({})).events.map((e) => e.appName)).toEqual(['recent']);
    expect((await db.selectFrom('failure_counts').select('window_start_s').execute()).map((r) => Number(r.window_start_s))).toEqual([now - 30]);
    expect(await maintenance.runOnce()).toEqual({ usedJti: 0, revokedTokens: 0, opaqueTokens: 0, failureCounts: 0, loginHistory: 0 });
  });

  it('stops at maxBatches per table and leaves the rest for the next pass', async () => {
    const now = Math.floor(Date.now() / 1000);
    await stores.db
      .insertInto('used_jti')
      .values(Array.from({ length: 30 }, (_, i) => ({ namespace: 'b', jti: `batch-${i}`, expires_at_s: now - 1 })))
      .execute();
    const { startMaintenance } = await import('../../src/storage/maintenance.js');
    const { pruneExpired } = await import('../../src/storage/sql/sql-maintenance.js');
    const bounded = startMaintenance((limits) => pruneExpired(stores.db, limits), { batchSize: 10, maxBatches: 2, intervalMs: 3_600_000 });
    expect((await bounded.runOnce()).usedJti).toBe(20);
    expect((await bounded.runOnce()).usedJti).toBe(10);
    await bounded.stop();
  });
});
