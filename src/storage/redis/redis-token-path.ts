/**
 * The token path's short-lived state in Redis: the `jti` replay store (SET NX with a lifetime,
 * one key per app and `jti`), failure counters, and a cache in front of the revocation list.
 * The SQL store stays the truth for revocations and opaque tokens; Redis only answers faster.
 */
import type { Redis } from 'ioredis';
import type { LoginEvent } from '../../domain/login-event.js';
import type { FailureCounter, IssueWrites, OpaqueTokenRecord, ReplayStore, TokenLedger, TokenStore } from '../../oauth/ports.js';
import { systemClock } from '../../platform/clock.js';
import { redisOutage } from './redis-database.js';

/**
 * How long a "not revoked" answer is cached. A revocation overwrites it at once, or fails: no
 * instance can trust a stale "0" after a revocation call has succeeded.
 */
const NOT_REVOKED_TTL_SECONDS = 30;

/**
 * Seconds from now until an epoch second, at least 1. Keys are given a relative lifetime (`EX`),
 * never an absolute one (`EXAT`): Redis reads an absolute time on its own clock, so a Redis host
 * whose clock runs ahead of Keygate's would drop a `jti` while Keygate still accepts its
 * assertion, and reopen replay.
 */
function secondsUntil(epochSeconds: number, nowSeconds: number): number {
  return Math.max(epochSeconds - nowSeconds, 1);
}

/** RFC 7523 §3 item 7: `SET key 1 NX EX ttl` is atomic, so of two concurrent uses exactly one wins. */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nowSeconds: () => number = systemClock.epochSeconds,
  ) {}

  async consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean> {
    const ttl = secondsUntil(expiresAtSeconds, this.nowSeconds());
    const reply = await this.redis.set(`${this.prefix}jti:${namespace}:${key}`, '1', 'EX', ttl, 'NX').catch((error: unknown) => {
      throw redisOutage(error);
    });
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
 * written if no "1" arrived meanwhile (NX). A revocation whose "1" Redis does not take fails
 * with {@link RedisUnavailableError} (503): it is committed, but an instance that still reaches
 * Redis may hold a "0" cached before it, for up to {@link NOT_REVOKED_TTL_SECONDS}, so the call
 * must not report success. The revocation endpoint writes both marks again on every call, so a
 * retry completes it. If Redis is away, the check asks the SQL store alone.
 */
export class RedisRevocationCache implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly store: TokenStore,
    private readonly nowSeconds: () => number = systemClock.epochSeconds,
  ) {}

  findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined> {
    return this.store.findOpaque(tokenHash);
  }

  async revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void> {
    await this.store.revoke(tokenId, appId, expiresAtSeconds);
    await this.redis.set(this.#key(tokenId), '1', 'EX', secondsUntil(expiresAtSeconds, this.nowSeconds())).catch((error: unknown) => {
      throw redisOutage(error);
    });
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    let cached: string | null;
    try {
      cached = await this.redis.get(this.#key(tokenId));
    } catch {
      // Redis is away: the SQL store, the truth, answers alone.
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

/** A counter per subject and window: `INCR`, with the window's lifetime set in the same transaction. */
export class RedisFailureCounter implements FailureCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nowSeconds: () => number = systemClock.epochSeconds,
  ) {}

  async addFailure(subject: string, windowStartSeconds: number, expiresAtSeconds: number): Promise<number> {
    const key = `${this.prefix}failures:${windowStartSeconds}:${subject}`;
    const replies = await this.redis
      .multi()
      .incr(key)
      .expire(key, secondsUntil(expiresAtSeconds, this.nowSeconds()))
      .exec()
      .catch((error: unknown) => {
        throw redisOutage(error);
      });
    const [error, count] = replies?.[0] ?? [new Error('the transaction was discarded'), null];
    if (error) throw redisOutage(error);
    return Number(count);
  }
}
