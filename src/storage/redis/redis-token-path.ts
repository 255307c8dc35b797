/**
 * The token path's short-lived state in Redis: the `jti` replay store (SET NX with an
 * absolute expiry, one key per app and `jti`) and a cache in front of the revocation list.
 * The SQL store stays the truth for revocations and opaque tokens; Redis only answers faster.
 */
import type { Redis } from 'ioredis';
import type { LoginEvent } from '../../domain/login-event.js';
import type { IssueWrites, OpaqueTokenRecord, ReplayStore, TokenLedger, TokenStore } from '../../oauth/ports.js';

/** How long a "not revoked" answer is cached. A revocation overwrites it at once. */
const NOT_REVOKED_TTL_SECONDS = 30;

/** RFC 7523 §3 item 7: `SET key 1 NX EXAT exp` is atomic, so of two concurrent uses exactly one wins. */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean> {
    const expiresAt = Math.max(expiresAtSeconds, this.nowSeconds() + 1);
    const reply = await this.redis.set(`${this.prefix}jti:${namespace}:${key}`, '1', 'EXAT', expiresAt, 'NX');
    return reply === 'OK';
  }
}

/**
 * A {@link TokenLedger} whose replay keys live in Redis: a key is spent there first, then the
 * SQL ledger commits the token and the login-history row. A key spent by a request whose
 * commit then fails stays spent; the request is refused (503) and its client signs a new
 * assertion, as after any failure.
 */
export class RedisReplayLedger implements TokenLedger {
  constructor(
    private readonly replay: ReplayStore,
    private readonly ledger: TokenLedger,
  ) {}

  record(event: LoginEvent): Promise<void> {
    return this.ledger.record(event);
  }

  async commitIssue(writes: IssueWrites): Promise<boolean> {
    if (writes.replay !== null) {
      const { namespace, key, expiresAtSeconds } = writes.replay;
      if (!(await this.replay.consume(namespace, key, expiresAtSeconds))) return false;
    }
    return this.ledger.commitIssue({ ...writes, replay: null });
  }
}

/**
 * A {@link TokenStore} whose revocation check asks Redis first. `revoke` writes the SQL store,
 * then sets the key to "1", overwriting any cached "0", so every instance refuses the token
 * as soon as the call returns. A miss reads the SQL store and caches the answer; a "0" is only
 * written if no "1" arrived meanwhile (NX). If Redis is away the SQL store answers alone, and a
 * "1" that could not be written is retried every 250 ms until Redis takes it, so that a "0"
 * cached before the outage cannot outlive the revocation once Redis is back.
 */
export class RedisRevocationCache implements TokenStore {
  /** Revocations committed to the SQL store whose "1" Redis has not taken yet: token id → expiry. */
  readonly #pending = new Map<string, number>();
  #retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly store: TokenStore,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    return this.store.findOpaque(tokenHash);
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.store.revoke(tokenId, appId, expiresAtSeconds);
    try {
      await this.#markRevoked(tokenId, expiresAtSeconds);
    } catch {
      // The revocation is committed; only the cache lags. Keep trying until Redis takes it.
      this.#pending.set(tokenId, expiresAtSeconds);
      this.#retry ??= setInterval(() => void this.#retryPending(), 250).unref();
    }
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    if (this.#pending.has(tokenId)) return true;
    let cached: string | null;
    try {
      cached = await this.redis.get(this.#key(tokenId));
    } catch {
      return this.store.isRevoked(tokenId);
    }
    if (cached !== null) return cached === '1';
    const revoked = await this.store.isRevoked(tokenId);
    const caching = revoked
      ? this.redis.set(this.#key(tokenId), '1', 'EX', NOT_REVOKED_TTL_SECONDS)
      : this.redis.set(this.#key(tokenId), '0', 'EX', NOT_REVOKED_TTL_SECONDS, 'NX');
    await caching.catch(() => {});
    return revoked;
  }

  /** Stops retrying (the process is closing; the SQL store holds every revocation anyway). */
  close(): void {
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = null;
  }

  #markRevoked(tokenId: string, expiresAtSeconds: number): Promise<unknown> {
    return this.redis.set(this.#key(tokenId), '1', 'EXAT', Math.max(expiresAtSeconds, this.nowSeconds() + 1));
  }

  async #retryPending(): Promise<void> {
    for (const [tokenId, expiresAt] of this.#pending) {
      try {
        await this.#markRevoked(tokenId, expiresAt);
        this.#pending.delete(tokenId);
      } catch {
        return;
      }
    }
    if (this.#pending.size === 0 && this.#retry) {
      clearInterval(this.#retry);
      this.#retry = null;
    }
  }

  #key(tokenId: string): string {
    return `${this.prefix}revoked:${tokenId}`;
  }
}
