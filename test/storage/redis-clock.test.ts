/**
 * Redis keys live for a span, not until an instant: Redis reads an absolute expiry on its own
 * clock, so with Keygate's clock an hour behind the Redis host's, a `jti` given `EXAT` would be
 * gone at once and its assertion could be replayed. Here Keygate's "now" is an hour behind the
 * real clock the local Redis keeps.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisFailureCounter, RedisReplayStore } from '../../src/storage/redis/redis-token-path.js';
import { deleteRedisKeys, TEST_REDIS_URL } from '../contract/backends.js';

const HOUR = 3600;
const behind = () => Math.floor(Date.now() / 1000) - HOUR;

describe('Redis keys with Keygate\'s clock an hour behind Redis\'s', () => {
  const prefix = `keygate-clock-test:${randomBytes(4).toString('hex')}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
    redis.disconnect();
  });

  it('RFC 7523 §3 item 7: a jti spent for the next 300 s of Keygate\'s time stays spent, and lives about that long', async () => {
    const replay = new RedisReplayStore(redis, prefix, behind);
    const jti = randomUUID();
    expect(await replay.consume('app', jti, behind() + 300)).toBe(true);
    expect(await replay.consume('app', jti, behind() + 300)).toBe(false);
    const ttl = await redis.ttl(`${prefix}jti:app:${jti}`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('a failure count lives until its window ends on Keygate\'s clock', async () => {
    const failures = new RedisFailureCounter(redis, prefix, behind);
    const start = behind();
    expect(await failures.addFailure('192.0.2.1', start, start + 60)).toBe(1);
    expect(await failures.addFailure('192.0.2.1', start, start + 60)).toBe(2);
    const ttl = await redis.ttl(`${prefix}failures:${start}:192.0.2.1`);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});
