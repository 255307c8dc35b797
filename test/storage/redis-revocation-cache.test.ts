/**
 * The Redis revocation cache when Redis fails during a revocation: the revocation (committed in
 * the SQL store) still stands, this instance refuses the token at once, and the "1" reaches
 * Redis as soon as Redis takes writes again, overwriting a "0" cached before the outage.
 */
import { describe, expect, it } from 'vitest';
import type { OpaqueTokenRecord, TokenStore } from '../../src/oauth/ports.js';
import { RedisRevocationCache } from '../../src/storage/redis/redis-token-path.js';

class MemoryTokenStore implements TokenStore {
  readonly revoked = new Set<string>();
  async findOpaque(): Promise<OpaqueTokenRecord | undefined> {
    return undefined;
  }
  async revoke(tokenId: string): Promise<void> {
    this.revoked.add(tokenId);
  }
  async isRevoked(tokenId: string): Promise<boolean> {
    return this.revoked.has(tokenId);
  }
}

function fakeRedis() {
  const values = new Map<string, string>();
  const state = { down: false };
  const redis = {
    async get(key: string) {
      if (state.down) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      return values.get(key) ?? null;
    },
    async set(key: string, value: string, ...args: unknown[]) {
      if (state.down) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      if (args.includes('NX') && values.has(key)) return null;
      values.set(key, value);
      return 'OK';
    },
  };
  return { redis, values, state };
}

describe('RedisRevocationCache while Redis fails', () => {
  it('RFC 7009 §2.1: a revocation made while Redis is away still stands everywhere once Redis is back', async () => {
    const { redis, values, state } = fakeRedis();
    const sql = new MemoryTokenStore();
    const one = new RedisRevocationCache(redis as never, 'k:', sql);
    const two = new RedisRevocationCache(redis as never, 'k:', sql);
    expect(await two.isRevoked('tok')).toBe(false); // caches "0"
    expect(values.get('k:revoked:tok')).toBe('0');

    state.down = true;
    await one.revoke('tok', 'app', Math.floor(Date.now() / 1000) + 600);
    expect(sql.revoked.has('tok')).toBe(true);
    expect(await one.isRevoked('tok')).toBe(true);
    expect(await two.isRevoked('tok')).toBe(true); // Redis away: the SQL store answers

    state.down = false;
    await new Promise((r) => setTimeout(r, 400));
    expect(values.get('k:revoked:tok')).toBe('1');
    expect(await two.isRevoked('tok')).toBe(true);
    one.close();
    two.close();
  });
});
