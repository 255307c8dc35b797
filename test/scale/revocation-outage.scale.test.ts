/**
 * "A revocation is refused everywhere as soon as the revocation call returns" (docs/deploy.md),
 * when the instance that takes the call cannot reach Redis while the others can: the others
 * hold a "not revoked" cached in Redis, so the call answers 503 (RFC 6749 §5.2
 * `temporarily_unavailable`, Retry-After) until its mark reaches Redis, and once it answers
 * 200 every instance refuses the token at once. Meanwhile C, asking PostgreSQL alone, refuses
 * the token with 401. Instance C reaches Redis through a proxy the
 * test cuts; A and B reach it directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { TEST_REDIS_URL } from '../contract/backends.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';
import { requestToken, startTwoInstances, userinfo, within, type TwoInstances } from './scale-harness.js';

async function revoke(server: RunningKeygate, token: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${server.url}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe('revocation through an instance cut off from Redis', () => {
  let pair: TwoInstances;
  let proxy: CuttableProxy;
  let c: RunningKeygate;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    pair = await startTwoInstances({ redis: true });
    const redis = new URL(TEST_REDIS_URL);
    proxy = await startCuttableProxy(Number(redis.port || 6379), redis.hostname);
    redis.port = String(proxy.port);
    const log = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    c = await pair.another({ redisUrl: redis.toString(), log });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await pair?.close();
  });

  it('RFC 7009 §2 and RFC 6749 §5.2: answers 503 until the revocation reaches Redis; once it answers 200, every instance refuses the token', { timeout: 60_000 }, async () => {
    const token = String((await requestToken(pair.a, await pair.assertion())).body.access_token);
    // A and B now hold "not revoked" in Redis.
    expect(await userinfo(pair.a, token)).toBe(200);
    expect(await userinfo(pair.b, token)).toBe(200);

    await proxy.cut();
    const refused = await revoke(c, token);
    expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), body: refused.body && (JSON.parse(refused.body) as unknown) }).toEqual({
      status: 503,
      retryAfter: '1',
      body: { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable, retry later' },
    });
    // The revocation is committed in PostgreSQL, which C asks alone while Redis is away.
    expect(await userinfo(c, token)).toBe(401);
    expect(await userinfo(pair.a, token)).toBe(200); // the "not revoked" cached before, within its bound
    // Retried on C while Redis is still away, the call must not trust PostgreSQL's half and say 200.
    expect((await revoke(c, token)).status).toBe(503);
    // The `jti` store lives in Redis: token requests wait for it too.
    expect((await requestToken(c, await pair.assertion())).status).toBe(503);

    await proxy.restore();
    // The client retries; ioredis reconnects with a backoff of at most 2 s.
    await within(15_000, async () => (await revoke(c, token)).status === 200);
    expect(await userinfo(pair.a, token)).toBe(401);
    expect(await userinfo(pair.b, token)).toBe(401);
  });

  it('logs the refused requests as warnings naming Redis, without a stack, and nothing at error level', () => {
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(lines.filter((line) => line.msg !== 'Redis connection error' && JSON.stringify(line).includes('"stack"'))).toEqual([]);
    expect(lines.filter((line) => line.level === 40 && line.store === 'redis').length).toBeGreaterThan(0);
  });
});
