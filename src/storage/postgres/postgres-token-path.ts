/**
 * The token endpoint's stores on PostgreSQL: the `jti` replay store (a unique insert, ON
 * CONFLICT DO NOTHING), the login history, opaque tokens, revocations and failure counts. What
 * a token request writes goes through an {@link InsertBatcher}: an issued token's `jti`, opaque
 * token and login-history row are one statement, batched with those of the requests beside it.
 */
import type pg from 'pg';
import type { LoginEvent } from '../../domain/login-event.js';
import type { FailureCounter, IssueWrites, OpaqueTokenRecord, OpaqueTokenWrite, ReplayStore, TokenLedger, TokenStore } from '../../oauth/ports.js';
import { loginEventToRow, opaqueTokenFromRow } from '../sql/mappers.js';
import type { OpaqueTokenTable } from '../sql/tables.js';
import { InsertBatcher } from './insert-batcher.js';
import { isUnreachable, outageOf, PostgresUnavailableError } from './postgres-database.js';

export { PostgresUnavailableError } from './postgres-database.js';

interface JtiRow {
  readonly namespace: string;
  readonly jti: string;
  readonly expiresAt: number;
}

const CONSUME_JTI = `INSERT INTO used_jti (namespace, jti, expires_at_s)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
  ON CONFLICT DO NOTHING
  RETURNING namespace, jti`;

const EVENT_COLUMNS = [
  ['id', 'text'],
  ['at', 'bigint'],
  ['app_id', 'text'],
  ['app_name', 'text'],
  ['user_id', 'text'],
  ['username', 'text'],
  ['grant_type', 'text'],
  ['credential', 'text'],
  ['client_address', 'text'],
  ['outcome', 'text'],
  ['error_code', 'text'],
  ['reason', 'text'],
  ['certificate_fingerprint', 'text'],
  ['jti_hash', 'text'],
  ['scope', 'text'],
] as const;

const RECORD_EVENTS = `INSERT INTO login_history (${EVENT_COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${EVENT_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})`;

const OPAQUE_COLUMNS = [
  ['token_hash', 'text'],
  ['token_id', 'text'],
  ['app_id', 'text'],
  ['user_id', 'text'],
  ['scope', 'text'],
  ['issued_at_s', 'bigint'],
  ['expires_at_s', 'bigint'],
] as const;

/** `unnest` of typed array parameters from `$first` on, one per column, after a leading index `i`. */
const unnestFrom = (first: number, columns: readonly (readonly [string, string])[]): string =>
  `unnest($${first}::int[], ${columns.map(([, t], n) => `$${first + n + 1}::${t}[]`).join(', ')}) AS x(i, ${columns.map(([c]) => c).join(', ')})`;

/**
 * Issued tokens, one statement per batch: each request's `jti` is inserted unless already
 * spent, and only the requests whose key was fresh (or that spend none) get their opaque
 * token and success row. Data-modifying CTEs share one snapshot and one commit; `spent`
 * reports the inserts that won.
 */
const ISSUE = `WITH req AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[]) AS r(i, namespace, jti, expires_at_s)
  ), spent AS (
    INSERT INTO used_jti (namespace, jti, expires_at_s)
    SELECT namespace, jti, expires_at_s FROM req WHERE jti IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING namespace, jti
  ), fresh AS (
    SELECT i FROM req WHERE jti IS NULL OR (namespace, jti) IN (SELECT namespace, jti FROM spent)
  ), opaque AS (
    INSERT INTO opaque_tokens (${OPAQUE_COLUMNS.map(([c]) => c).join(', ')})
    SELECT ${OPAQUE_COLUMNS.map(([c]) => c).join(', ')} FROM ${unnestFrom(5, OPAQUE_COLUMNS)}
    WHERE i IN (SELECT i FROM fresh)
  ), events AS (
    INSERT INTO login_history (${EVENT_COLUMNS.map(([c]) => c).join(', ')})
    SELECT ${EVENT_COLUMNS.map(([c]) => c).join(', ')} FROM ${unnestFrom(5 + OPAQUE_COLUMNS.length + 1, EVENT_COLUMNS)}
    WHERE i IN (SELECT i FROM fresh)
  )
  SELECT i FROM fresh`;

function opaqueToRow({ tokenHash, record: r }: OpaqueTokenWrite): Record<(typeof OPAQUE_COLUMNS)[number][0], string | number> {
  return { token_hash: tokenHash, token_id: r.tokenId, app_id: r.appId, user_id: r.userId, scope: r.scope, issued_at_s: r.issuedAt, expires_at_s: r.expiresAt };
}

const key = (namespace: string, jti: string): string => `${namespace}\u0000${jti}`;

/**
 * The same key twice in one batch may win at most once: only its first occurrence is sent.
 * Returns the items to send (first occurrences, and items without a key) and, for each item
 * of the batch, its position among them, or -1 for a repeat (which loses without asking).
 */
function firstPerKey<T>(batch: readonly T[], keyOf: (item: T) => string | null): { sent: T[]; position: number[] } {
  const seen = new Set<string>();
  const sent: T[] = [];
  const position = batch.map((item) => {
    const k = keyOf(item);
    if (k !== null) {
      if (seen.has(k)) return -1;
      seen.add(k);
    }
    sent.push(item);
    return sent.length - 1;
  });
  return { sent, position };
}

type Queryable = Pick<pg.Pool, 'query'>;

export class PostgresTokenPath implements ReplayStore, TokenLedger, TokenStore, FailureCounter {
  readonly #jti: InsertBatcher<JtiRow, boolean>;
  readonly #events: InsertBatcher<LoginEvent, void>;
  readonly #issues: InsertBatcher<IssueWrites, boolean>;

  #unreachableUntil = 0;

  /**
   * @param pauseMs after the server was found unreachable, how long calls fail at once instead
   *   of each waiting out a connect timeout (a network black hole would otherwise cost every
   *   token request the full timeout, twice: its `jti` and its login-history row).
   */
  constructor(
    private readonly pool: Queryable,
    private readonly pauseMs = 1000,
  ) {
    this.#jti = new InsertBatcher((rows) => this.#consumeBatch(rows));
    this.#events = new InsertBatcher((events) => this.#recordBatch(events));
    this.#issues = new InsertBatcher((issues) => this.#issueBatch(issues));
  }

  consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean> {
    return this.#jti.enqueue({ namespace, jti: key, expiresAt: expiresAtSeconds });
  }

  record(event: LoginEvent): Promise<void> {
    return this.#events.enqueue(event);
  }

  commitIssue(writes: IssueWrites): Promise<boolean> {
    return this.#issues.enqueue(writes);
  }

  async #consumeBatch(rows: readonly JtiRow[]): Promise<boolean[]> {
    const { sent, position } = firstPerKey(rows, (row) => key(row.namespace, row.jti));
    const result = await this.#query<{ namespace: string; jti: string }>({
      name: 'keygate_consume_jti',
      text: CONSUME_JTI,
      values: [sent.map((r) => r.namespace), sent.map((r) => r.jti), sent.map((r) => r.expiresAt)],
    });
    const inserted = new Set(result.rows.map((r) => key(r.namespace, r.jti)));
    return rows.map((row, i) => position[i]! >= 0 && inserted.has(key(row.namespace, row.jti)));
  }

  async #recordBatch(events: readonly LoginEvent[]): Promise<void[]> {
    const rows = events.map(loginEventToRow);
    await this.#query({
      name: 'keygate_record_events',
      text: RECORD_EVENTS,
      values: EVENT_COLUMNS.map(([column]) => rows.map((row) => row[column])),
    });
    return events.map(() => undefined);
  }

  async #issueBatch(batch: readonly IssueWrites[]): Promise<boolean[]> {
    const { sent, position } = firstPerKey(batch, (w) => (w.replay === null ? null : key(w.replay.namespace, w.replay.key)));
    const index = sent.map((_, i) => i);
    const withOpaque = index.filter((i) => sent[i]!.opaque !== null);
    const tokens = withOpaque.map((i) => opaqueToRow(sent[i]!.opaque!));
    const rows = sent.map((w) => loginEventToRow(w.event));
    const result = await this.#query<{ i: number }>({
      name: 'keygate_issue',
      text: ISSUE,
      values: [
        index,
        sent.map((w) => w.replay?.namespace ?? null),
        sent.map((w) => w.replay?.key ?? null),
        sent.map((w) => w.replay?.expiresAtSeconds ?? null),
        withOpaque,
        ...OPAQUE_COLUMNS.map(([column]) => tokens.map((row) => row[column])),
        index,
        ...EVENT_COLUMNS.map(([column]) => rows.map((row) => row[column])),
      ],
    });
    const fresh = new Set(result.rows.map((r) => r.i));
    return position.map((p) => p >= 0 && fresh.has(p));
  }

  async findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    const { rows } = await this.#query<Omit<OpaqueTokenTable, 'token_hash'>>({
      name: 'keygate_find_opaque',
      text: 'SELECT token_id, app_id, user_id, scope, issued_at_s, expires_at_s FROM opaque_tokens WHERE token_hash = $1',
      values: [tokenHash],
    });
    return rows[0] && opaqueTokenFromRow(rows[0]);
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.#query({
      name: 'keygate_revoke',
      text: 'INSERT INTO revoked_tokens (token_id, app_id, expires_at_s) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      values: [tokenId, appId, expiresAtSeconds],
    });
  }

  /** One upsert per failure: failures are rare next to issued tokens, and each needs its count back. */
  async addFailure(subject: string, windowStartSeconds: number, expiresAtSeconds: number): Promise<number> {
    const { rows } = await this.#query<{ failures: number }>({
      name: 'keygate_add_failure',
      text: `INSERT INTO failure_counts (subject, window_start_s, failures, expires_at_s) VALUES ($1, $2, 1, $3)
        ON CONFLICT (subject, window_start_s) DO UPDATE SET failures = failure_counts.failures + 1 RETURNING failures`,
      values: [subject, windowStartSeconds, expiresAtSeconds],
    });
    return Number(rows[0]!.failures);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const { rowCount } = await this.#query({
      name: 'keygate_is_revoked',
      text: 'SELECT 1 FROM revoked_tokens WHERE token_id = $1',
      values: [tokenId],
    });
    return (rowCount ?? 0) > 0;
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    if (Date.now() < this.#unreachableUntil) throw new PostgresUnavailableError('PostgreSQL was unreachable moments ago');
    try {
      return await this.pool.query<R>(config);
    } catch (error) {
      if (isUnreachable(error)) this.#unreachableUntil = Date.now() + this.pauseMs;
      throw outageOf(error);
    }
  }

  /** Waits for the batches in flight and refuses new writes. */
  async close(): Promise<void> {
    await Promise.all([this.#jti.close(), this.#events.close(), this.#issues.close()]);
  }
}
