/**
 * Deletes what the token path leaves behind once it no longer matters: expired `jti` rows,
 * revocations, opaque tokens and failure counts past their expiry, and login history older than
 * its retention.
 * Each statement deletes at most `batchSize` rows, so no lock is held for long; the same SQL
 * runs on SQLite and PostgreSQL (row-value IN and LIMIT in a subquery work on both).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './tables.js';

export interface PruneLimits {
  /** Rows expiring before this epoch second are gone. */
  readonly nowSeconds: number;
  /** Login history before this epoch millisecond is gone. */
  readonly loginHistoryBefore: number;
  /** Most rows one statement deletes. */
  readonly batchSize: number;
  /** Most statements per table in one pass; the rest waits for the next pass. */
  readonly maxBatches: number;
}

export interface PruneReport {
  readonly usedJti: number;
  readonly revokedTokens: number;
  readonly opaqueTokens: number;
  readonly failureCounts: number;
  readonly loginHistory: number;
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

async function deleteInBatches(db: Kysely<Database>, limits: PruneLimits, statement: (limit: number) => ReturnType<typeof sql>): Promise<number> {
  let total = 0;
  for (let i = 0; i < limits.maxBatches; i += 1) {
    const result = await statement(limits.batchSize).execute(db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < limits.batchSize) break;
    await yieldToRequests();
  }
  return total;
}

export async function pruneExpired(db: Kysely<Database>, limits: PruneLimits): Promise<PruneReport> {
  const now = limits.nowSeconds;
  const usedJti = await deleteInBatches(
    db,
    limits,
    (n) => sql`delete from used_jti where (namespace, jti) in (select namespace, jti from used_jti where expires_at_s < ${now} limit ${n})`,
  );
  const revokedTokens = await deleteInBatches(
    db,
    limits,
    (n) => sql`delete from revoked_tokens where token_id in (select token_id from revoked_tokens where expires_at_s < ${now} limit ${n})`,
  );
  const opaqueTokens = await deleteInBatches(
    db,
    limits,
    (n) => sql`delete from opaque_tokens where token_hash in (select token_hash from opaque_tokens where expires_at_s < ${now} limit ${n})`,
  );
  const failureCounts = await deleteInBatches(
    db,
    limits,
    (n) =>
      sql`delete from failure_counts where (subject, window_start_s) in (select subject, window_start_s from failure_counts where expires_at_s < ${now} limit ${n})`,
  );
  const loginHistory = await deleteInBatches(
    db,
    limits,
    (n) => sql`delete from login_history where seq in (select seq from login_history where at < ${limits.loginHistoryBefore} limit ${n})`,
  );
  return { usedJti, revokedTokens, opaqueTokens, failureCounts, loginHistory };
}
