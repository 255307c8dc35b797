/**
 * The Redis revocation cache when one instance loses Redis during a revocation, on the real
 * PostgreSQL and Redis: the other instance may hold a "not revoked" cached before, so the
 * revocation must not report success until its mark is in Redis. Instance one reaches Redis
 * through a proxy the test cuts; instance two reaches it directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStores } from '../../src/storage/open-stores.js';
import { RedisUnavailableError } from '../../src/storage/redis/redis-database.js';
import { postgresRedisBackend, TEST_REDIS_URL, eventually, type BackendRun } from '../contract/backends.js';
import { startCuttableProxy, type CuttableProxy } from '../scale/cuttable-proxy.js';

describe('RedisRevocationCache when one instance cannot reach Redis', () => {
  let run: BackendRun;
  let proxy: CuttableProxy;
  let one: OpenedStores;
  let two: OpenedStores;
  beforeAll(async () => {
    run = await postgresRedisBackend.start();
    const redis = new URL(TEST_REDIS_URL);
    proxy = await startCuttableProxy(Number(redis.port || 6379), redis.hostname);
    redis.port = String(proxy.port);
    one = await run.open({ redisUrl: redis.toString() });
    two = await run.open();
  });
  afterAll(async () => {
    await run?.dispose();
    await proxy?.close();
  });

  it('RFC 7009 §2: a revocation whose mark Redis does not take fails, is refused on that instance from the SQL store, and succeeds when retried once Redis is back', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    expect(await two.tokens.isRevoked('tok')).toBe(false); // caches "not revoked" in Redis

    await proxy.cut();
    await expect(one.tokens.revoke('tok', 'app', expiresAt)).rejects.toBeInstanceOf(RedisUnavailableError);
    // Redis away: the SQL store answers alone.
    expect(await one.tokens.isRevoked('tok')).toBe(true);
    expect(await one.tokens.isRevoked('other')).toBe(false);

    await proxy.restore();
    // ioredis reconnects with a backoff of at most 2 s.
    await eventually(async () => one.tokens.revoke('tok', 'app', expiresAt).then(() => true, () => false), 10_000);
    expect(await two.tokens.isRevoked('tok')).toBe(true);
    expect(await one.tokens.isRevoked('tok')).toBe(true);
  });
});
