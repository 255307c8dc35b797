/**
 * The background pass that keeps the token path's tables small, off the request path: a timer
 * (unref'd, so it never keeps the process alive) runs one bounded pass at a time; `stop` waits
 * for a pass in progress. Redis entries expire by themselves and need nothing here.
 */
import type { PruneLimits, PruneReport } from './sql/sql-maintenance.js';

export interface MaintenanceOptions {
  /** Login history older than this many days is deleted (default 90). */
  readonly loginHistoryRetentionDays?: number;
  /** Time between passes (default 5 minutes); the first pass runs one interval after start. */
  readonly intervalMs?: number;
  /** Rows per delete statement (default 1000). */
  readonly batchSize?: number;
  /** Statements per table per pass (default 20); leftovers wait for the next pass. */
  readonly maxBatches?: number;
  readonly now?: () => Date;
  readonly onPass?: (report: PruneReport) => void;
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_LOGIN_HISTORY_RETENTION_DAYS = 90;

export interface Maintenance {
  /** Runs one pass now (tests and `keygate migrate` use this). */
  runOnce(): Promise<PruneReport>;
  stop(): Promise<void>;
}

export function startMaintenance(prune: (limits: PruneLimits) => Promise<PruneReport>, options: MaintenanceOptions = {}): Maintenance {
  const now = options.now ?? (() => new Date());
  const retentionMs = (options.loginHistoryRetentionDays ?? DEFAULT_LOGIN_HISTORY_RETENTION_DAYS) * 86_400_000;
  let running: Promise<PruneReport> | null = null;
  let stopped = false;

  const runOnce = (): Promise<PruneReport> => {
    if (running) return running;
    const at = now().getTime();
    running = prune({
      nowSeconds: Math.floor(at / 1000),
      loginHistoryBefore: at - retentionMs,
      batchSize: options.batchSize ?? 1000,
      maxBatches: options.maxBatches ?? 20,
    }).finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (stopped || running) return;
    runOnce().then(
      (report) => options.onPass?.(report),
      (error: unknown) => options.onError?.(error),
    );
  }, options.intervalMs ?? 300_000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
