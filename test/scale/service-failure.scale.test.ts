/**
 * Failure (issue 6): while PostgreSQL or Redis is down, token requests fail fast with 503
 * `temporarily_unavailable` and `Retry-After` (RFC 6749 §5.2), never a hang and never a 500;
 * once the service is back, each instance recovers by itself, change notification included.
 *
 * This stops the machine's real services, which would break every other suite using them, so
 * it runs only when asked, alone: `npm test` runs it last, after every other suite, as
 * `npm run test:service-failure` (KEYGATE_TEST_RESTART_SERVICES=1).
 * Each stop is undone in a `finally`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NAME, requestToken, startTwoInstances, within, type TokenAnswer, type TwoInstances } from './scale-harness.js';
import { startPostgres, startRedis, stopPostgres, stopRedis } from './services.js';

const enabled = process.env.KEYGATE_TEST_RESTART_SERVICES === '1';

/** The longest a refused request may take while a service is down. */
const FAIL_FAST_MS = 3000;

function expectTemporarilyUnavailable(answer: TokenAnswer): void {
  expect(answer.status).toBe(503);
  expect(answer.body.error).toBe('temporarily_unavailable');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.ms).toBeLessThan(FAIL_FAST_MS);
}

async function expectRecovery(pair: TwoInstances): Promise<void> {
  await within(20_000, async () => (await requestToken(pair.a, await pair.assertion())).status === 200);
  await within(20_000, async () => (await requestToken(pair.b, await pair.assertion())).status === 200);
  // The change feed reconnects with a backoff of at most 2 s; then changes travel within 1 s again.
  await new Promise((r) => setTimeout(r, 2500));
  await pair.a.services.apps.update({ name: APP_NAME }, { flows: { jwtBearer: false } });
  try {
    await within(1000, async () => (await requestToken(pair.b, await pair.assertion())).status !== 200);
  } finally {
    await pair.a.services.apps.update({ name: APP_NAME }, { flows: { jwtBearer: true } });
  }
  await within(1000, async () => (await requestToken(pair.b, await pair.assertion())).status === 200);
}

describe.runIf(enabled)('failure of a backing service', () => {
  describe('PostgreSQL stopped under two instances', () => {
    let pair: TwoInstances;
    beforeAll(async () => {
      pair = await startTwoInstances({ redis: false });
    });
    afterAll(() => pair?.close());

    it('RFC 6749 §5.2: answers 503 temporarily_unavailable with Retry-After at once, then recovers by itself', { timeout: 90_000 }, async () => {
      expect((await requestToken(pair.a, await pair.assertion())).status).toBe(200);
      try {
        await stopPostgres();
        const answers = await Promise.all([pair.a, pair.b, pair.a, pair.b].map(async (s) => requestToken(s, await pair.assertion())));
        answers.forEach(expectTemporarilyUnavailable);
      } finally {
        await startPostgres();
      }
      await expectRecovery(pair);
    });
  });

  describe('Redis stopped under two instances on PostgreSQL+Redis', () => {
    let pair: TwoInstances;
    beforeAll(async () => {
      pair = await startTwoInstances({ redis: true });
    });
    afterAll(() => pair?.close());

    it('RFC 6749 §5.2: answers 503 temporarily_unavailable with Retry-After at once, then recovers by itself', { timeout: 90_000 }, async () => {
      expect((await requestToken(pair.a, await pair.assertion())).status).toBe(200);
      try {
        await stopRedis();
        const answers = await Promise.all([pair.a, pair.b, pair.a, pair.b].map(async (s) => requestToken(s, await pair.assertion())));
        answers.forEach(expectTemporarilyUnavailable);
      } finally {
        await startRedis();
      }
      await expectRecovery(pair);
    });
  });
});
