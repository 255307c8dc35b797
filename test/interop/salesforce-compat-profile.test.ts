/**
 * The `salesforce-compat` assertion profile (issue 5; docs/jwt-bearer.md, steps 5, 6 and 10)
 * as protocol tests: it accepts the claim shapes real Salesforce clients send (`exp` as a
 * numeric string, the Salesforce CLI's `exp` in milliseconds anchored by `iat`, no `jti`, `aud`
 * with a trailing slash) and relaxes nothing else. The same shapes are refused by a strict app.
 * In-process, on the harness's frozen clock; every refusal is checked on the wire (status,
 * error, error_description, no-store, no token) and in the login history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGrantRefused, expectLoginFailure, expectOAuthError, expectTokenResponse } from '../helpers/expect-oauth.js';
import { compactJws } from '../helpers/keys.js';
import { APPS, APP_TRUSTED_RANGE, BASE_URL, EXTRA_AUDIENCE, T0, USERS, startHarness, type AssertionOptions, type Harness } from '../helpers/keygate-harness.js';

const MAX_LIFETIME = 300;
const SKEW = 30;

describe('salesforce-compat profile', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  /** An assertion for the compat app (EC key), with these claims changed. */
  const compat = (claims: Record<string, unknown> = {}, options: AssertionOptions = {}) =>
    h.assertion({ key: h.keys.ec, ...options, claims: { iss: APPS.compat, ...claims } });
  /** What a refusal for the compat app must leave working: a fresh compat assertion. */
  const fresh = () => ({ options: { key: h.keys.ec, claims: { iss: APPS.compat } } });

  /** The Salesforce CLI's claim shape: `exp` in milliseconds, `iat` in seconds, no `jti`. */
  const cliClaims = (iat = h.now()) => ({ exp: iat * 1000 + 300, iat, jti: undefined });

  describe('exp as a numeric string', () => {
    it('is accepted by the compat profile', async () => {
      expectTokenResponse(await h.grant(compat({ exp: String(h.now() + 60) })));
    });

    it('is refused by a strict app (exp_not_number)', async () => {
      const response = await h.grant(h.assertion({ claims: { exp: String(h.now() + 60) } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_not_number');
    });

    it('is still a number: a string that is not all digits is refused', async () => {
      for (const exp of [`${h.now() + 60}.5`, ` ${h.now() + 60}`, '0x7fffffff', '']) {
        const response = await h.grant(compat({ exp }));
        await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_not_number', fresh());
      }
    });

    it('is still checked: a numeric string in the past is expired', async () => {
      const response = await h.grant(compat({ exp: String(h.now() - SKEW - 1) }));
      await expectGrantRefused(h, response, 'invalid_grant', 'expired authorization code', 'expired', fresh());
    });
  });

  describe('exp in milliseconds (the Salesforce CLI)', () => {
    it('is accepted with iat now and no jti, as @salesforce/core signs it', async () => {
      expectTokenResponse(await h.grant(compat(cliClaims())));
    });

    it('is accepted as a numeric string of milliseconds too', async () => {
      expectTokenResponse(await h.grant(compat({ ...cliClaims(), exp: String(h.now() * 1000 + 300) })));
    });

    it('is refused without iat (exp_in_milliseconds_without_iat)', async () => {
      const response = await h.grant(compat({ ...cliClaims(), iat: undefined }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_in_milliseconds_without_iat', fresh());
    });

    it('is refused when iat is in the future beyond the skew (iat_outside_policy)', async () => {
      const response = await h.grant(compat(cliClaims(h.now() + SKEW + 1)));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'iat_outside_policy', fresh());
    });

    it('is refused when iat is older than the maximum lifetime and the skew (iat_outside_policy)', async () => {
      const response = await h.grant(compat(cliClaims(h.now() - MAX_LIFETIME - SKEW - 1)));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'iat_outside_policy', fresh());
    });

    it('is refused when iat is not a number', async () => {
      const response = await h.grant(compat({ ...cliClaims(), iat: String(h.now()) }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'iat_not_number', fresh());
    });

    it('is refused by a strict app (exp_too_far_in_future)', async () => {
      const response = await h.grant(h.assertion({ claims: { exp: h.now() * 1000 + 300, iat: h.now() } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'exp_too_far_in_future');
    });

    it('has its effective expiry bounded to iat + the maximum lifetime, whatever exp says', async () => {
      // exp a day ahead in milliseconds; iat 280 s ago: the assertion lives 20 s more, not a day.
      const iat = h.now() - (MAX_LIFETIME - 20);
      const claims = { iat, exp: (h.now() + 86_400) * 1000, jti: undefined };
      expectTokenResponse(await h.grant(compat({ ...claims, sub: USERS.integration })));
      try {
        h.clock.advance(20 + SKEW);
        // Another assertion of the same shape (a different sub keeps the replay key apart).
        const response = await h.grant(compat({ ...claims, sub: USERS.permset }));
        expectOAuthError(response, 400, 'invalid_grant', 'expired authorization code');
        await expectLoginFailure(h, 'invalid_grant', 'expired');
      } finally {
        h.clock.set(T0);
      }
    });
  });

  describe('a missing jti', () => {
    it('makes the SHA-256 of the assertion its replay key: the second identical assertion is refused', async () => {
      const assertion = compat({ jti: undefined });
      const first = expectTokenResponse(await h.grant(assertion));
      expect(first.access_token).toEqual(expect.any(String));
      const replayed = await h.grant(assertion);
      await expectGrantRefused(h, replayed, 'invalid_grant', 'invalid assertion', 'jti_replayed', fresh());
      // A different assertion without jti (another exp) is a different key.
      expectTokenResponse(await h.grant(compat({ jti: undefined, exp: h.now() + 61 })));
    });

    it('records no jti hash in the login history', async () => {
      expectTokenResponse(await h.grant(compat({ jti: undefined, exp: h.now() + 62 })));
      expect(await h.lastLogin()).toMatchObject({ outcome: 'success', appName: 'Compat App', jtiHash: null });
    });

    it('is refused by a strict app that requires jti (jti_missing)', async () => {
      const response = await h.grant(h.assertion({ claims: { jti: undefined } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'jti_missing');
    });

    it('does not relax a jti that is present: reusing it is refused', async () => {
      const jti = 'compat-jti-once';
      expectTokenResponse(await h.grant(compat({ jti })));
      const response = await h.grant(compat({ jti, exp: h.now() + 90 }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'jti_replayed', fresh());
    });

    it('does not relax a malformed jti', async () => {
      for (const jti of ['', 42, ['a'], 'x'.repeat(257)]) {
        await expectGrantRefused(h, await h.grant(compat({ jti })), 'invalid_grant', 'invalid assertion', 'jti_invalid', fresh());
      }
    });
  });

  describe('aud', () => {
    it('accepts the base URL with or without a trailing slash, and the extra audience either way', async () => {
      for (const aud of [BASE_URL, `${BASE_URL}/`, EXTRA_AUDIENCE, `${EXTRA_AUDIENCE}/`, [`${BASE_URL}/`]]) {
        expectTokenResponse(await h.grant(compat({ aud })));
      }
    });

    it('refuses any other audience, and two slashes', async () => {
      for (const aud of ['https://keygate.test.evil', `${BASE_URL}//`, 'https://test.salesforce.com', [BASE_URL, EXTRA_AUDIENCE]]) {
        const response = await h.grant(compat({ aud }));
        expectOAuthError(response, 400, 'invalid_grant', 'audience is invalid');
      }
      await expectLoginFailure(h, 'invalid_grant', 'aud_not_single');
    });
  });

  describe('nothing else is relaxed', () => {
    it('alg none and HMAC with the public key are refused', async () => {
      const none = compat({}, { alg: 'none', signature: '' });
      await expectGrantRefused(h, await h.grant(none), 'invalid_grant', 'invalid assertion', undefined, fresh());
      const publicPem = h.keys.ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const hs = compactJws({ alg: 'HS256', header: { typ: 'JWT' }, payload: h.claims({ iss: APPS.compat }), key: publicPem });
      await expectGrantRefused(h, await h.grant(hs), 'invalid_grant', 'invalid assertion', undefined, fresh());
    });

    it('a bad signature is refused, with or without jti', async () => {
      for (const claims of [{}, { jti: undefined }, cliClaims()]) {
        const forged = compat(claims, { key: h.keys.attacker });
        await expectGrantRefused(h, await h.grant(forged), 'invalid_grant', 'invalid assertion', 'signature_invalid', fresh());
      }
      const [head, payload] = compat().split('.');
      const tampered = `${head}.${payload}.${compat().split('.')[2]!.slice(0, -2)}AA`;
      await expectGrantRefused(h, await h.grant(tampered), 'invalid_grant', 'invalid assertion', undefined, fresh());
    });

    it('an access token or other explicit type is not an assertion', async () => {
      const response = await h.grant(compat({}, { header: { typ: 'at+jwt' } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', undefined, fresh());
    });

    it('an expired certificate is refused, even in the CLI shape', async () => {
      // The admin service refuses to save an app whose only certificate has expired while its
      // flow is on, so the profile is switched when the certificate was still valid.
      h.clock.set(new Date(T0.getTime() - 30 * 86_400_000));
      try {
        await h.services.apps.update({ consumerKey: APPS.expired }, { assertionProfile: 'salesforce-compat' });
      } finally {
        h.clock.set(T0);
      }
      expect((await h.services.apps.get({ consumerKey: APPS.expired })).assertionProfile).toBe('salesforce-compat');
      for (const claims of [{}, cliClaims()]) {
        const response = await h.grant(h.assertion({ key: h.keys.expired, claims: { iss: APPS.expired, ...claims } }));
        await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'no_valid_certificate', fresh());
      }
    });

    it('unknown, inactive and locked users and users not pre-authorized are refused', async () => {
      for (const sub of ['nobody@acme.test', USERS.inactive, USERS.locked]) {
        await expectGrantRefused(h, await h.grant(compat({ ...cliClaims(), sub })), 'invalid_grant', 'invalid user', undefined, fresh());
      }
      const outsider = await h.grant(compat({ ...cliClaims(), sub: USERS.outsider }));
      await expectGrantRefused(h, outsider, 'invalid_app_access', 'user is not admin approved to access this app', undefined, fresh());
    });

    it('the network policy still applies', async () => {
      await h.services.apps.update({ consumerKey: APPS.ip }, { assertionProfile: 'salesforce-compat' });
      const ipClaims = { iss: APPS.ip, ...cliClaims() };
      const outside = await h.grant(h.assertion({ key: h.keys.ec, claims: ipClaims }), {}, { remoteAddress: '198.51.100.7' });
      await expectGrantRefused(h, outside, 'invalid_grant', 'ip restricted', undefined, fresh());
      const inside = await h.grant(h.assertion({ key: h.keys.ec, claims: { ...ipClaims, exp: h.now() * 1000 + 301 } }), {}, { remoteAddress: APP_TRUSTED_RANGE.replace('0/24', '9') });
      expectTokenResponse(inside);
    });

    it('an unknown issuer is still invalid_client_id', async () => {
      const response = await h.grant(compat({ ...cliClaims(), iss: 'no-such-app' }));
      await expectGrantRefused(h, response, 'invalid_client_id', 'client identifier invalid', undefined, fresh());
    });
  });
});
