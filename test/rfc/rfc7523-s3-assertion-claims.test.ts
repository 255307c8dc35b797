/**
 * RFC 7523 §3 (JWT format and processing requirements) with RFC 7519 §4.1, as the rules'
 * steps 5 to 7 and 10 apply them: issuer and subject as strings, a single accepted audience,
 * exp/nbf/iat as numbers within the skew and lifetime policy, and a single-use `jti` consumed
 * atomically and only after every other check passed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { expectGrantRefused, expectOAuthError, expectTokenResponse, jsonBody } from '../helpers/expect-oauth.js';
import { APPS, BASE_URL, EXTRA_AUDIENCE, JWT_BEARER, TOKEN_PATH, USERS, startHarness, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const SKEW = 30;
const MAX_LIFETIME = 300;

describe('RFC 7523 §3 items 1 and 2: iss and sub', () => {
  for (const [label, iss] of [
    ['an array', [APPS.rsa]],
    ['a number', 12345],
    ['an object', { id: APPS.rsa }],
    ['an empty string', ''],
  ] as const) {
    it(`RFC 7519 §4.1.1: rejects iss as ${label} (never coerced), before the signature`, async () => {
      await expectGrantRefused(h, await h.grant(h.assertion({ claims: { iss } })), 'invalid_grant', 'invalid assertion', 'iss_not_string');
    });
  }

  it('RFC 7523 §3 item 1: rejects an assertion without iss', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { iss: undefined } })), 'invalid_grant', 'invalid assertion', 'iss_not_string');
  });

  for (const [label, sub] of [
    ['an array', [USERS.integration]],
    ['a number', 5],
    ['an object', { name: USERS.integration }],
    ['an empty string', ''],
  ] as const) {
    it(`RFC 7519 §4.1.2: rejects sub as ${label} (never coerced)`, async () => {
      await expectGrantRefused(h, await h.grant(h.assertion({ claims: { sub } })), 'invalid_grant', 'invalid user', 'sub_not_string');
    });
  }

  it('RFC 7523 §3 item 2: rejects an assertion without sub', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { sub: undefined } })), 'invalid_grant', 'invalid user', 'sub_not_string');
  });

  it('rules step 7: the legacy prn wins over sub when both are present', async () => {
    const body = expectTokenResponse(await h.grant(h.assertion({ claims: { prn: USERS.integration, sub: 'nobody@acme.test' } })));
    expect(String(body.id).endsWith(`/${await h.userId(USERS.integration)}`)).toBe(true);
    const response = await h.grant(h.assertion({ claims: { prn: 'nobody@acme.test', sub: USERS.integration } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_unknown');
  });

  it('rules step 7: a present prn that is not a string is refused, never passed over for sub', async () => {
    for (const prn of [null, 42, '']) {
      const response = await h.grant(h.assertion({ claims: { prn, sub: USERS.integration } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'sub_not_string');
    }
  });

  it('rules step 7: a user is found by username regardless of letter case, as Salesforce usernames are case-insensitive', async () => {
    const body = expectTokenResponse(await h.grant(h.assertion({ claims: { sub: USERS.integration.toUpperCase() } })));
    expect(String(body.id).endsWith(`/${await h.userId(USERS.integration)}`)).toBe(true);
    const response = await h.grant(h.assertion({ claims: { sub: `x${USERS.integration}` } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_unknown');
  });
});

describe('RFC 7523 §3 item 3: aud', () => {
  for (const [label, aud] of [
    ['the base URL', BASE_URL],
    ['the base URL with a trailing slash', `${BASE_URL}/`],
    ['the token endpoint URL', `${BASE_URL}${TOKEN_PATH}`],
    ['the token endpoint alias URL', `${BASE_URL}/oauth2/token`],
    ['the configured extra audience', EXTRA_AUDIENCE],
    ['the configured extra audience with a trailing slash', `${EXTRA_AUDIENCE}/`],
    ['an array of exactly one accepted string', [BASE_URL]],
  ] as const) {
    it(`RFC 7523 §3 item 3: accepts aud as ${label}`, async () => {
      expectTokenResponse(await h.grant(h.assertion({ claims: { aud } })));
    });
  }

  it('rules step 6: rejects aud as a two-element array, even when both values are accepted', async () => {
    const response = await h.grant(h.assertion({ claims: { aud: [BASE_URL, EXTRA_AUDIENCE] } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'audience is invalid', 'aud_not_single');
  });

  it('rules step 6: rejects aud as a two-element array holding one foreign value', async () => {
    const response = await h.grant(h.assertion({ claims: { aud: [BASE_URL, 'https://evil.example'] } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'audience is invalid', 'aud_not_single');
  });

  it('rules step 6: rejects an empty aud array', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { aud: [] } })), 'invalid_grant', 'audience is invalid', 'aud_not_single');
  });

  for (const [label, aud] of [
    ['missing', undefined],
    ['a number', 1],
    ['another scheme of the base URL', BASE_URL.replace('https:', 'http:')],
    ['a path under the base URL', `${BASE_URL}/services`],
    ['the token endpoint URL with a trailing slash, a URL that answers nothing', `${BASE_URL}${TOKEN_PATH}/`],
    ['the base URL with two trailing slashes', `${BASE_URL}//`],
    ['a prefix-sharing host', `${BASE_URL}.evil.example`],
    ['the base URL with a different case', BASE_URL.toUpperCase()],
    ['another app\'s token endpoint', 'https://other.example/services/oauth2/token'],
  ] as const) {
    it(`RFC 7523 §3 item 3: rejects aud ${label}`, async () => {
      const response = await h.grant(h.assertion({ claims: { aud } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'audience is invalid');
    });
  }
});

describe('RFC 7523 §3 items 4 to 6: exp, nbf and iat on the frozen clock', () => {
  it('RFC 7523 §3 item 4: rejects an assertion whose exp has passed', async () => {
    const response = await h.grant(h.assertion({ claims: { exp: h.now() - SKEW - 60, iat: h.now() - 120 } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'expired authorization code', 'expired');
  });

  it('rules step 5: rejects exp exactly at now − skew, accepts exp one second later', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { exp: h.now() - SKEW, iat: h.now() - 60 } })), 'invalid_grant', 'expired authorization code', 'expired');
    expectTokenResponse(await h.grant(h.assertion({ claims: { exp: h.now() - SKEW + 1, iat: h.now() - 60 } })));
  });

  it('rules step 5: accepts exp at now + max lifetime + skew, rejects one second more', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { exp: h.now() + MAX_LIFETIME + SKEW } })));
    const response = await h.grant(h.assertion({ claims: { exp: h.now() + MAX_LIFETIME + SKEW + 1 } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_too_far_in_future');
  });

  it('rules step 5: rejects a far-future exp (year 9999)', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { exp: 253_402_300_799 } })), 'invalid_grant', 'invalid assertion', 'exp_too_far_in_future');
  });

  it('rules step 5: rejects an exp of 1e300', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { exp: 1e300 } })), 'invalid_grant', 'invalid assertion', 'exp_too_far_in_future');
  });

  it('RFC 7523 §3 item 4: rejects an assertion without exp', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { exp: undefined } })), 'invalid_grant', 'invalid assertion', 'exp_missing');
  });

  for (const [label, exp] of [
    ['a numeric string', 'NOW'],
    ['an array', ['NOW']],
    ['a boolean', true],
    ['null', null],
  ] as const) {
    it(`RFC 7519 §2: rejects exp as ${label} (NumericDate is a JSON number; strict profile)`, async () => {
      const value = exp === 'NOW' ? String(h.now() + 60) : Array.isArray(exp) ? [h.now() + 60] : exp;
      const response = await h.grant(h.assertion({ claims: { exp: value } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_not_number');
    });
  }

  it('rules step 5 (policy): the salesforce-compat profile accepts exp as a numeric string', async () => {
    const claims = { iss: APPS.compat, exp: String(h.now() + 60) };
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims })));
  });

  it('rules step 5: nbf at now + skew is accepted; one second later is rejected', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { nbf: h.now() + SKEW } })));
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { nbf: h.now() + SKEW + 1 } })), 'invalid_grant', 'invalid assertion', 'nbf_in_future');
  });

  it('rules step 5: iat at now + skew is accepted; one second later is rejected', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { iat: h.now() + SKEW } })));
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { iat: h.now() + SKEW + 1 } })), 'invalid_grant', 'invalid assertion', 'iat_in_future');
  });

  it('rules step 5: rejects a future iat an hour ahead', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { iat: h.now() + 3600 } })), 'invalid_grant', 'invalid assertion', 'iat_in_future');
  });

  it('RFC 7519 §2: rejects nbf and iat as strings', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { nbf: String(h.now()) } })), 'invalid_grant', 'invalid assertion', 'nbf_not_number');
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { iat: String(h.now()) } })), 'invalid_grant', 'invalid assertion', 'iat_not_number');
  });

  it('RFC 7523 §3 item 4: an assertion accepted now is expired once the clock moves past exp + skew', async () => {
    const assertion = h.assertion({ claims: { exp: h.now() + 10 } });
    h.clock.advance(10 + SKEW);
    try {
      const response = await h.grant(assertion);
      expectOAuthError(response, 400, 'invalid_grant', 'expired authorization code');
    } finally {
      h.clock.advance(-(10 + SKEW));
    }
  });
});

describe('RFC 7523 §3 item 7 and rules step 10: jti, single use', () => {
  for (const [label, jti] of [
    ['a number', 42],
    ['an array', ['a']],
    ['an empty string', ''],
    ['257 characters', 'j'.repeat(257)],
  ] as const) {
    it(`rules step 10: rejects jti as ${label}`, async () => {
      await expectGrantRefused(h, await h.grant(h.assertion({ claims: { jti } })), 'invalid_grant', 'invalid assertion', 'jti_invalid');
    });
  }

  it('rules step 10: accepts a jti of 256 characters', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { jti: `${randomUUID()}${'j'.repeat(220)}` } })));
  });

  it('RFC 7523 §3 item 7: rejects a replayed assertion (sequential)', async () => {
    const assertion = h.assertion();
    expectTokenResponse(await h.grant(assertion));
    await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'jti_replayed');
    expectOAuthError(await h.grant(assertion), 400, 'invalid_grant', 'invalid assertion');
  });

  it('RFC 7523 §3 item 7: a new assertion reusing a consumed jti is a replay', async () => {
    const jti = randomUUID();
    expectTokenResponse(await h.grant(h.assertion({ claims: { jti } })));
    const response = await h.grant(h.assertion({ claims: { jti, exp: h.now() + 200 } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'jti_replayed');
  });

  it('rules step 10: 20 concurrent requests with one assertion: exactly one succeeds', async () => {
    const assertion = h.assertion();
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.grant(assertion)));
    const ok = responses.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(1);
    for (const r of responses.filter((x) => x.statusCode !== 200)) expectOAuthError(r, 400, 'invalid_grant', 'invalid assertion');
    const events = await h.recentLogins(20);
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(1);
    expect(events.filter((e) => e.reason === 'jti_replayed')).toHaveLength(19);
  });

  it('rules step 10: 20 concurrent requests from two server instances on one store: exactly one succeeds', async () => {
    const second = await buildKeygate({ dataDir: h.dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock: h.clock }, false);
    try {
      const assertion = h.assertion();
      const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString();
      const viaSecond = () =>
        second.app.inject({ method: 'POST', url: TOKEN_PATH, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? h.grant(assertion) : viaSecond())));
      expect(responses.map((r) => r.statusCode).filter((s) => s === 200)).toHaveLength(1);
      for (const r of responses.filter((x) => x.statusCode !== 200)) expectOAuthError(r, 400, 'invalid_grant', 'invalid assertion');
    } finally {
      await second.close();
    }
  });

  it('rules step 10: a jti is namespaced by app (the same jti on another app is fresh)', async () => {
    const jti = randomUUID();
    expectTokenResponse(await h.grant(h.assertion({ claims: { jti } })));
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec, jti } })));
  });

  describe('rules step 10: a rejected request never burns a jti', () => {
    const cases: [string, (jti: string) => Promise<{ response: Awaited<ReturnType<Harness['grant']>>; error: string; description: string }>][] = [
      [
        'a wrong audience',
        async (jti) => ({ response: await h.grant(h.assertion({ claims: { jti, aud: 'https://evil.example' } })), error: 'invalid_grant', description: 'audience is invalid' }),
      ],
      [
        'a bad signature',
        async (jti) => ({
          response: await h.grant(h.assertion({ claims: { jti }, signature: Buffer.alloc(256, 9).toString('base64url') })),
          error: 'invalid_grant',
          description: 'invalid assertion',
        }),
      ],
      [
        'an expired exp',
        async (jti) => ({ response: await h.grant(h.assertion({ claims: { jti, exp: h.now() - 100 } })), error: 'invalid_grant', description: 'expired authorization code' }),
      ],
      [
        'a locked user',
        async (jti) => ({ response: await h.grant(h.assertion({ claims: { jti, sub: USERS.locked } })), error: 'invalid_grant', description: 'invalid user' }),
      ],
      [
        'a user not pre-authorized',
        async (jti) => ({
          response: await h.grant(h.assertion({ claims: { jti, sub: USERS.outsider } })),
          error: 'invalid_app_access',
          description: 'user is not admin approved to access this app',
        }),
      ],
      [
        'an address outside the ranges',
        async (jti) => ({ response: await h.grant(h.assertion({ claims: { jti, sub: USERS.ranged } })), error: 'invalid_grant', description: 'ip restricted' }),
      ],
      [
        'a scope outside the app',
        async (jti) => ({
          response: await h.grant(h.assertion({ claims: { jti } }), { scope: 'api admin' }),
          error: 'invalid_scope',
          description: 'the requested scope exceeds the scopes granted to this app',
        }),
      ],
    ];
    for (const [label, reject] of cases) {
      it(`rules step 10: a request refused for ${label} leaves its jti usable`, async () => {
        const jti = randomUUID();
        const { response, error, description } = await reject(jti);
        expectOAuthError(response, 400, error, description);
        const retry = label === 'an address outside the ranges'
          ? await h.grant(h.assertion({ claims: { jti, sub: USERS.ranged } }), {}, { remoteAddress: '10.1.2.3' })
          : await h.grant(h.assertion({ claims: { jti } }));
        expectTokenResponse(retry);
        expect((await h.lastLogin()).outcome).toBe('success');
      });
    }
  });

  it('rules step 10 (policy): with requireJti off, an assertion without jti is accepted once; its hash is the replay key', async () => {
    const assertion = h.assertion({ key: h.keys.ec, claims: { iss: APPS.noJti, jti: undefined } });
    expectTokenResponse(await h.grant(assertion));
    const response = await h.grant(assertion);
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'jti_replayed');
    const other = h.assertion({ key: h.keys.ec, claims: { iss: APPS.noJti, jti: undefined, exp: h.now() + 61 } });
    expectTokenResponse(await h.grant(other));
  });

  it('rules step 10 (policy): with requireJti off, the twin ECDSA signature (r, n−s) of a spent assertion is a replay', async () => {
    const assertion = h.assertion({ key: h.keys.ec, claims: { iss: APPS.noJti, jti: undefined, exp: h.now() + 63 } });
    const [head, body, signature] = assertion.split('.');
    const raw = Buffer.from(signature!, 'base64url');
    const order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const s = order - BigInt(`0x${raw.subarray(32).toString('hex')}`);
    const twin = `${head}.${body}.${Buffer.concat([raw.subarray(0, 32), Buffer.from(s.toString(16).padStart(64, '0'), 'hex')]).toString('base64url')}`;
    expect(twin).not.toBe(assertion);
    expectTokenResponse(await h.grant(assertion));
    await expectGrantRefused(h, await h.grant(twin), 'invalid_grant', 'invalid assertion', 'jti_replayed', { options: { key: h.keys.ec, claims: { iss: APPS.noJti, jti: undefined, exp: h.now() + 64 } } });
  });

  it('rules step 10 (policy): with requireJti off, a jti that is present is still single-use', async () => {
    const jti = randomUUID();
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.noJti, jti } })));
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.noJti, jti, exp: h.now() + 100 } }));
    expectOAuthError(response, 400, 'invalid_grant', 'invalid assertion');
  });

  it('rules step 10: the login history keeps a hash of the jti, never the jti itself', async () => {
    const jti = `visible-${randomUUID()}`;
    expectTokenResponse(await h.grant(h.assertion({ claims: { jti } })));
    const row = await h.lastLogin();
    expect(row.jtiHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(jti);
    expect(jsonBody(await h.grant(h.assertion({ claims: { jti } })))).toStrictEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });
});
