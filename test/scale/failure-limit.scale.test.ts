/**
 * The failure limit across instances (docs/jwt-bearer.md "Failure limit"): the refusals of one
 * client address are counted in the shared store, PostgreSQL or Redis, so an address refused on
 * several instances reaches the limit as fast as on one, and each instance refuses it from its
 * own next refusal on: at most one more refusal per further instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { requestToken, startTwoInstances, type TwoInstances } from './scale-harness.js';

const LIMIT = 6;
/** An hour, so that the test never straddles two windows (it waits out the last seconds of one). */
const WINDOW = 3600;

describe.each([
  { name: 'PostgreSQL', redis: false },
  { name: 'PostgreSQL with Redis', redis: true },
])('failure limit shared by two instances on $name', ({ redis }) => {
  let pair: TwoInstances;
  beforeAll(async () => {
    pair = await startTwoInstances({ redis, oauth: { maxFailuresPerAddress: LIMIT, failureWindowSeconds: WINDOW } });
    const left = WINDOW - (Math.floor(Date.now() / 1000) % WINDOW);
    if (left < 15) await new Promise((r) => setTimeout(r, left * 1000 + 200));
  }, 60_000);
  afterAll(async () => {
    await pair?.close();
  });

  it(`${LIMIT} refusals split across both instances reach the limit; each instance refuses the address from its next refusal on`, async () => {
    // Signed with another key: every request is refused (invalid_grant), on whichever instance.
    const wrongKey = (await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'stranger', days: 1 })).privateKeyPem;
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await requestToken(i % 2 === 0 ? pair.a : pair.b, await pair.assertion(wrongKey));
      expect(refused.status).toBe(400);
    }
    // B took the sixth refusal, saw the count reach the limit, and refuses the address at once.
    const onB = await requestToken(pair.b, await pair.assertion());
    expect({ status: onB.status, body: onB.body, retryAfter: Number(onB.headers.get('retry-after')) > 0 }).toEqual({
      status: 429,
      body: { error: 'temporarily_unavailable', error_description: 'too many refused requests from this address, retry later' },
      retryAfter: true,
    });
    // A learns it at its own next refusal: one more 400, then 429.
    expect((await requestToken(pair.a, await pair.assertion(wrongKey))).status).toBe(400);
    expect((await requestToken(pair.a, await pair.assertion())).status).toBe(429);
  });
});
