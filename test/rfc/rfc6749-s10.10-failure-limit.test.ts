/**
 * The failure limit (RFC 6749 §10.10, RFC 6585 §4; docs/jwt-bearer.md "Failure limit"): once
 * requests from one client address for one app have been refused `maxFailuresPerAddress` times
 * in a window, the token, introspection and revocation endpoints answer that pair 429
 * `temporarily_unavailable` with `Retry-After` until the window ends, before any check, and
 * write nothing for it: the login history gets one row when the block begins. Other addresses, and other apps at the same address, are served as
 * before; requests naming no known app share their address's count. The clock is frozen at a
 * window's start (T0 is a whole minute).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOAuthError, expectTokenResponse } from '../helpers/expect-oauth.js';
import { APPS, basicAuthorization, startHarness, type Harness, type Response } from '../helpers/keygate-harness.js';

const LIMIT = 5;
const WINDOW = 60;

let h: Harness;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  h = await startHarness({
    oauth: { maxFailuresPerAddress: LIMIT, failureWindowSeconds: WINDOW },
    logLevel: 'warn',
    logSink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
});
afterAll(async () => {
  await h?.close();
});

const from = (remoteAddress: string) => ({ remoteAddress });
const badSignature = () => h.assertion({ signature: 'AAAA' });

async function refuseTimes(n: number, remoteAddress: string): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const refused = await h.grant(badSignature(), {}, from(remoteAddress));
    expect(refused.statusCode, refused.body).toBe(400);
  }
}

function expectLimited(response: Response, retryAfter: number): void {
  expectOAuthError(response, 429, 'temporarily_unavailable', 'too many refused requests from this address, retry later', { wwwAuthenticate: null });
  expect(response.headers['retry-after']).toBe(String(retryAfter));
}

async function historyOf(address: string) {
  return (await h.recentLogins(500)).filter((e) => e.clientAddress === address);
}

/** The one row that records the start of a block. */
const blockRow = (app: { appName: string } | null, grant = 'unknown') =>
  expect.objectContaining({
    appId: app ? expect.any(String) : null,
    appName: app?.appName ?? null,
    userId: null,
    username: null,
    grant,
    credential: 'none',
    outcome: 'failure',
    errorCode: 'temporarily_unavailable',
    reason: 'too_many_failures',
    certificateFingerprint: null,
    jtiHash: null,
    scope: null,
  });

describe('RFC 6749 §10.10: the failure limit per client address', () => {
  it(`after ${LIMIT} refused requests from one address, a valid assertion from it gets 429 with Retry-After, no token, and no history row; the block's start is one row`, async () => {
    await refuseTimes(LIMIT, '192.0.2.10');
    const history = await historyOf('192.0.2.10');
    expect(history).toHaveLength(LIMIT + 1);
    expect(history.filter((e) => e.reason === 'too_many_failures')).toEqual([blockRow({ appName: 'RSA App' })]);
    for (let i = 0; i < 3; i += 1) expectLimited(await h.grant(h.assertion(), {}, from('192.0.2.10')), WINDOW);
    expect(await historyOf('192.0.2.10')).toHaveLength(LIMIT + 1);
  });

  it('another address is served while one is refused', async () => {
    await refuseTimes(LIMIT, '192.0.2.11');
    expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.12')));
  });

  it('served requests do not count: an address with fewer refusals than the limit is served, however many tokens it took', async () => {
    for (let i = 0; i < 2 * LIMIT; i += 1) expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.13')));
    await refuseTimes(LIMIT - 1, '192.0.2.13');
    expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.13')));
  });

  it('refusals at revocation count too, and the block covers that app at the token, introspection and revocation endpoints', async () => {
    const wrongSecret = { headers: basicAuthorization(APPS.secret, 'not-the-secret'), remoteAddress: '192.0.2.14' };
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await h.postForm('/services/oauth2/revoke', { token: 'anything' }, wrongSecret);
      expect(refused.statusCode, refused.body).toBe(401);
    }
    const rightSecret = { headers: basicAuthorization(APPS.secret, h.secrets.secretApp), remoteAddress: '192.0.2.14' };
    expectLimited(await h.token({ grant_type: 'client_credentials' }, rightSecret), WINDOW);
    expectLimited(await h.postForm('/services/oauth2/introspect', { token: 'anything' }, rightSecret), WINDOW);
    expectLimited(await h.postForm('/services/oauth2/revoke', { token: 'anything' }, rightSecret), WINDOW);
    // The same app named in the form rather than in Basic credentials is the same pair.
    expectLimited(await h.postForm('/services/oauth2/revoke', { token: 'anything', client_id: APPS.secret }, from('192.0.2.14')), WINDOW);
  });

  it('one app refused at an address does not block another app behind the same address', async () => {
    await refuseTimes(LIMIT, '192.0.2.15');
    expectLimited(await h.grant(h.assertion(), {}, from('192.0.2.15')), WINDOW);
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec } }), {}, from('192.0.2.15')));
  });

  it('requests naming no known app share their address\'s count, so inventing client ids does not escape the limit', async () => {
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await h.grant(h.assertion({ claims: { iss: `invented-${i}` } }), {}, from('192.0.2.16'));
      expect(refused.statusCode, refused.body).toBe(400);
    }
    expectLimited(await h.grant(h.assertion({ claims: { iss: 'invented-again' } }), {}, from('192.0.2.16')), WINDOW);
    // The block names no app: the ids were made up.
    expect((await historyOf('192.0.2.16')).filter((e) => e.reason === 'too_many_failures')).toEqual([blockRow(null)]);
    expectLimited(await h.token({ grant_type: 'client_credentials' }, from('192.0.2.16')), WINDOW);
    // A known app at that address has its own count.
    expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.16')));
  });

  it('an IPv4 address and its IPv4-mapped IPv6 spellings are one address: refusals under any spelling add to one count', async () => {
    const spellings = ['192.0.2.20', '::ffff:192.0.2.20', '::FFFF:c000:214', '0:0:0:0:0:ffff:192.0.2.20', '::ffff:c000:0214'];
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await h.grant(badSignature(), {}, from(spellings[i % spellings.length]!));
      expect(refused.statusCode, refused.body).toBe(400);
    }
    for (const spelling of spellings) expectLimited(await h.grant(h.assertion(), {}, from(spelling)), WINDOW);
  });

  it('IPv6 addresses count per /64, the block one host holds: respelled, with a zone id or another interface id, they add to one count', async () => {
    const inOneNetwork = ['2001:db8:1:2::1', '2001:DB8:1:2:0:0:0:1', '2001:db8:1:2::1%eth0', '2001:0db8:0001:0002::abcd', '2001:db8:1:2:ffff:ffff:ffff:ffff'];
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await h.grant(badSignature(), {}, from(inOneNetwork[i % inOneNetwork.length]!));
      expect(refused.statusCode, refused.body).toBe(400);
    }
    expectLimited(await h.grant(h.assertion(), {}, from('2001:db8:1:2::99')), WINDOW);
    expectTokenResponse(await h.grant(h.assertion(), {}, from('2001:db8:1:3::1')));
  });

  it('logs one warning per block, naming the address, never the assertion', async () => {
    const blocks = lines.filter((line) => line.clientAddress === '192.0.2.10' && String(line.msg).includes('429'));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ level: 40, failures: LIMIT, windowSeconds: WINDOW, retryAfterSeconds: WINDOW });
    expect(JSON.stringify(lines)).not.toMatch(/eyJ/);
  });

  it('Retry-After counts down to the end of the window, and then the address is served again with a fresh count', async () => {
    h.clock.advance(WINDOW - 15);
    expectLimited(await h.grant(h.assertion(), {}, from('192.0.2.10')), 15);
    h.clock.advance(15);
    expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.10')));
    await refuseTimes(LIMIT - 1, '192.0.2.10');
    expectTokenResponse(await h.grant(h.assertion(), {}, from('192.0.2.10')));
  });
});

describe('oauth.maxFailuresPerAddress: 0', () => {
  it('turns the limit off: refusals are answered as refusals, and a valid assertion still gets a token', async () => {
    const off = await startHarness({ oauth: { maxFailuresPerAddress: 0 } });
    try {
      for (let i = 0; i < 3 * LIMIT; i += 1) expect((await off.grant(off.assertion({ signature: 'AAAA' }))).statusCode).toBe(400);
      expectTokenResponse(await off.grant(off.assertion()));
    } finally {
      await off.close();
    }
  });
});
