/**
 * The token endpoint's stores on SQLite: the `jti` replay store, the login history, opaque
 * tokens, revocations and failure counts. Writes go through one {@link WriteQueue} to the writer thread, where
 * an issued token's `jti`, opaque token and login-history row are one op of one transaction;
 * reads use the main connection, which sees every committed batch (WAL).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LoginEvent } from '../../domain/login-event.js';
import type { FailureCounter, IssueWrites, OpaqueTokenRecord, ReplayStore, TokenLedger, TokenStore } from '../../oauth/ports.js';
import { loginEventToRow, opaqueTokenFromRow } from '../sql/mappers.js';
import type { OpaqueTokenTable } from '../sql/tables.js';
import type { WriterSettings } from './sqlite-write-worker.js';
import { WriteQueue } from './write-queue.js';

export class SqliteTokenPath implements ReplayStore, TokenLedger, TokenStore, FailureCounter {
  readonly #writes: WriteQueue;
  readonly #findOpaque: BetterSqlite3.Statement;
  readonly #findRevoked: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database, writer: WriterSettings) {
    this.#writes = new WriteQueue(writer);
    this.#findOpaque = db.prepare('SELECT token_id, app_id, user_id, scope, issued_at_s, expires_at_s FROM opaque_tokens WHERE token_hash = ?');
    this.#findRevoked = db.prepare('SELECT 1 FROM revoked_tokens WHERE token_id = ?').pluck();
  }

  consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean> {
    return this.#writes.enqueue(['jti', namespace, key, expiresAtSeconds]);
  }

  async record(event: LoginEvent): Promise<void> {
    await this.#writes.enqueue(['event', loginEventToRow(event)]);
  }

  commitIssue({ replay, opaque, event }: IssueWrites): Promise<boolean> {
    const r = opaque?.record;
    return this.#writes.enqueue([
      'issue',
      replay && [replay.namespace, replay.key, replay.expiresAtSeconds],
      r ? [opaque.tokenHash, r.tokenId, r.appId, r.userId, r.scope, r.issuedAt, r.expiresAt] : null,
      loginEventToRow(event),
    ]);
  }

  addFailure(subject: string, windowStartSeconds: number, expiresAtSeconds: number): Promise<number> {
    return this.#writes.enqueue(['failure', subject, windowStartSeconds, expiresAtSeconds]);
  }

  async findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    const row = this.#findOpaque.get(tokenHash) as Omit<OpaqueTokenTable, 'token_hash'> | undefined;
    return row && opaqueTokenFromRow(row);
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.#writes.enqueue(['revoke', tokenId, appId, expiresAtSeconds]);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.#findRevoked.get(tokenId) !== undefined;
  }

  close(): Promise<void> {
    return this.#writes.close();
  }
}
