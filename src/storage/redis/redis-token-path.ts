/**
 * The token path's short-lived state in Redis: the `jti` replay store (SET NX with an
 * absolute expiry, one key per app and `jti`) and a cache in front of the revocation list.
 * The SQL store stays the truth for revocations and opaque tokens; Redis only answers faster.
 */
import type { Redis } from 'ioredis';
import type { OpaqueTokenRecord, ReplayStore, TokenStore } from '../../oauth/ports.js';

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
 * A {@link TokenStore} whose revocation check asks Redis first. `revoke` writes the SQL store,
 * then sets the key to "1", overwriting any cached "0", so every instance refuses the token
 * as soon as the call returns. A miss reads the SQL store and caches the answer; a "0" is only
 * written if no "1" arrived meanwhile (NX). If Redis is away the SQL store answers alone.
 */
export class RedisRevocationCache implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly store: TokenStore,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  saveOpaque(tokenHash: string, record: OpaqueTokenRecord): Promise<void> {
    return this.store.saveOpaque(tokenHash, record);
  }

  findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    return this.store.findOpaque(tokenHash);
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.store.revoke(tokenId, appId, expiresAtSeconds);
    // If this fails the caller hears of it; a cached "0" then lives at most NOT_REVOKED_TTL_SECONDS.
    await this.redis.set(this.#key(tokenId), '1', 'EXAT', Math.max(expiresAtSeconds, this.nowSeconds() + 1));
  }

  async isRevoked(tokenId: string): Promise<boolean> {
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

  #key(tokenId: string): string {
    return `${this.prefix}revoked:${tokenId}`;
  }
}
