/**
 * The token path's SQLite writer, on its own thread and its own connection. Each message is
 * one batch run as one IMMEDIATE transaction, so its commit (and fsync, with
 * `synchronous=FULL`) happens here while the main thread goes on verifying signatures.
 *
 * Self-contained on purpose: it imports only node and better-sqlite3, so the same file runs
 * compiled (dist/) and, in tests, from source.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** One write, as a tuple so that it crosses threads cheaply. */
export type WriteOp =
  | readonly ['jti', ...JtiValues]
  | readonly ['event', row: EventRow]
  | readonly ['issue', jti: JtiValues | null, opaque: OpaqueValues | null, row: EventRow]
  | readonly ['revoke', tokenId: string, appId: string, expiresAtSeconds: number]
  | FailureOp;

/** Counts one failed request; its result is the window's count, not whether a row changed. */
export type FailureOp = readonly ['failure', subject: string, windowStartSeconds: number, expiresAtSeconds: number];

type JtiValues = readonly [namespace: string, jti: string, expiresAtSeconds: number];
type OpaqueValues = readonly [tokenHash: string, tokenId: string, appId: string, userId: string, scope: string, issuedAt: number, expiresAt: number];
type EventRow = Readonly<Record<string, string | number | null>>;

/**
 * One batch. It crosses to this thread as JSON text (every value is a string, a number or
 * null): a string is copied once, where the structured clone of the same arrays and rows costs
 * the sending thread, the event loop, about 5 µs per op against 1 µs for `JSON.stringify`.
 */
export interface WriteRequest {
  readonly id: number;
  readonly ops: readonly WriteOp[];
}

/** Per op, whether it changed a row (a `jti` insert that conflicted did not); for a failure, the window's count. */
export type WriteReply = { readonly id: number; readonly results: (boolean | number)[] } | { readonly id: number; readonly error: string; readonly code?: string };

export interface WriterSettings {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL';
}

/** How long a batch waits for the write lock before it fails, and how often it asks. */
const BUSY_TIMEOUT_MS = 5000;
const BUSY_RETRY_MS = 0.2;

function serve(settings: WriterSettings): void {
  const db = new Database(settings.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${settings.synchronous}`);
  // Busy waits are ours (below): SQLite's own handler sleeps 1, 2, 5, 10 ms and more between
  // tries, which a sibling process committing batch after batch turns into a long stall.
  db.pragma('busy_timeout = 0');
  const insertJti = db.prepare('INSERT INTO used_jti (namespace, jti, expires_at_s) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const insertEvent = db.prepare(
    `INSERT INTO login_history (id, at, app_id, app_name, user_id, username, grant_type, credential, client_address,
       outcome, error_code, reason, certificate_fingerprint, jti_hash, scope)
     VALUES (@id, @at, @app_id, @app_name, @user_id, @username, @grant_type, @credential, @client_address,
       @outcome, @error_code, @reason, @certificate_fingerprint, @jti_hash, @scope)`,
  );
  const insertOpaque = db.prepare(
    'INSERT INTO opaque_tokens (token_hash, token_id, app_id, user_id, scope, issued_at_s, expires_at_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertRevoked = db.prepare('INSERT INTO revoked_tokens (token_id, app_id, expires_at_s) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const addFailure = db
    .prepare(
      `INSERT INTO failure_counts (subject, window_start_s, failures, expires_at_s) VALUES (?, ?, 1, ?)
       ON CONFLICT (subject, window_start_s) DO UPDATE SET failures = failures + 1 RETURNING failures`,
    )
    .pluck();

  const runOne = (op: WriteOp): boolean | number => {
    switch (op[0]) {
      case 'jti':
        return insertJti.run(op[1], op[2], op[3]).changes === 1;
      case 'event':
        return insertEvent.run(op[1]).changes === 1;
      case 'issue':
        // A spent key writes nothing else: no token, no success row.
        if (op[1] !== null && insertJti.run(...op[1]).changes !== 1) return false;
        if (op[2] !== null) insertOpaque.run(...op[2]);
        insertEvent.run(op[3]);
        return true;
      case 'revoke':
        return insertRevoked.run(op[1], op[2], op[3]).changes === 1;
      case 'failure':
        return addFailure.get(op[1], op[2], op[3]) as number;
    }
  };
  const runBatch = db.transaction((ops: readonly WriteOp[]) => ops.map(runOne));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  /**
   * Runs one batch, retrying while another process (a `--workers` sibling, the CLI) holds the
   * write lock. An IMMEDIATE transaction meets SQLITE_BUSY at its BEGIN, before any op ran, and
   * a failed batch is rolled back whole, so a retry never applies an op twice.
   */
  const runBatchWhenFree = (ops: readonly WriteOp[]): (boolean | number)[] => {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        return runBatch.immediate(ops);
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
        Atomics.wait(pause, 0, 0, BUSY_RETRY_MS);
      }
    }
  };

  parentPort!.on('message', (message: string) => {
    if (message === 'close') {
      db.close();
      parentPort!.close();
      return;
    }
    const request = JSON.parse(message) as WriteRequest;
    let reply: WriteReply;
    try {
      reply = { id: request.id, results: runBatchWhenFree(request.ops) };
    } catch (err) {
      reply = { id: request.id, error: err instanceof Error ? err.message : String(err), ...(isCoded(err) && { code: err.code }) };
    }
    parentPort!.postMessage(reply);
  });
}

function isBusy(err: unknown): boolean {
  return isCoded(err) && (err.code === 'SQLITE_BUSY' || err.code.startsWith('SQLITE_BUSY_'));
}

function isCoded(err: unknown): err is { code: string } {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

if (parentPort) serve(workerData as WriterSettings);
