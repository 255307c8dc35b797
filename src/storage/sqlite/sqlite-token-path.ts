/**
 * The token endpoint's stores on SQLite: the `jti` replay store, the login history, opaque
 * tokens and revocations, all written through one {@link WriteBatcher}.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LoginEvent } from '../../domain/login-event.js';
import type { LoginRecorder, OpaqueTokenRecord, ReplayStore, TokenStore } from '../../oauth/ports.js';
import { loginEventToRow } from '../sql/mappers.js';
import { WriteBatcher } from './write-batcher.js';

export class SqliteTokenPath implements ReplayStore, LoginRecorder, TokenStore {
  readonly #batcher: WriteBatcher;
  readonly #insertJti: BetterSqlite3.Statement;
  readonly #insertEvent: BetterSqlite3.Statement;
  readonly #insertOpaque: BetterSqlite3.Statement;
  readonly #findOpaque: BetterSqlite3.Statement;
  readonly #insertRevoked: BetterSqlite3.Statement;
  readonly #findRevoked: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.#batcher = new WriteBatcher(db);
    this.#insertJti = db.prepare('INSERT INTO used_jti (namespace, jti, expires_at_s) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#insertEvent = db.prepare(
      `INSERT INTO login_history (id, at, app_id, app_name, user_id, username, grant_type, credential, client_address,
         outcome, error_code, reason, certificate_fingerprint, jti_hash)
       VALUES (@id, @at, @app_id, @app_name, @user_id, @username, @grant_type, @credential, @client_address,
         @outcome, @error_code, @reason, @certificate_fingerprint, @jti_hash)`,
    );
    this.#insertOpaque = db.prepare(
      'INSERT INTO opaque_tokens (token_hash, token_id, app_id, user_id, scope, issued_at_s, expires_at_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#findOpaque = db.prepare('SELECT token_id, app_id, user_id, scope, issued_at_s, expires_at_s FROM opaque_tokens WHERE token_hash = ?');
    this.#insertRevoked = db.prepare('INSERT INTO revoked_tokens (token_id, app_id, expires_at_s) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#findRevoked = db.prepare('SELECT 1 FROM revoked_tokens WHERE token_id = ?').pluck();
  }

  consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean> {
    return this.#batcher.enqueue(() => this.#insertJti.run(namespace, key, expiresAtSeconds).changes === 1);
  }

  async record(event: LoginEvent): Promise<void> {
    await this.#batcher.enqueue(() => this.#insertEvent.run(loginEventToRow(event)).changes === 1);
  }

  async saveOpaque(tokenHash: string, r: OpaqueTokenRecord): Promise<void> {
    await this.#batcher.enqueue(
      () => this.#insertOpaque.run(tokenHash, r.tokenId, r.appId, r.userId, r.scope, r.issuedAt, r.expiresAt).changes === 1,
    );
  }

  async findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    const row = this.#findOpaque.get(tokenHash) as
      | { token_id: string; app_id: string; user_id: string; scope: string; issued_at_s: number; expires_at_s: number }
      | undefined;
    if (!row) return undefined;
    return {
      tokenId: row.token_id,
      appId: row.app_id,
      userId: row.user_id,
      scope: row.scope,
      issuedAt: Number(row.issued_at_s),
      expiresAt: Number(row.expires_at_s),
    };
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.#batcher.enqueue(() => this.#insertRevoked.run(tokenId, appId, expiresAtSeconds).changes === 1);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.#findRevoked.get(tokenId) !== undefined;
  }

  close(): void {
    this.#batcher.close();
  }
}
