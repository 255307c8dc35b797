/**
 * The JWT Bearer grant's Salesforce-compatible error table and its order of checks
 * (shared/reference/jwt-bearer-rules.md, "Errors" and "Order of checks"): every row of the
 * table, and the policy that nothing about users is looked at before the signature holds.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectGrantRefused, expectLoginFailure, expectOAuthError } from '../helpers/expect-oauth.js';
import { APPS, USERS, startHarness, updateUser, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A signature segment that is well-formed base64url but wrong for any key. */
const BAD_RSA_SIGNATURE = Buffer.alloc(256, 7).toString('base64url');

describe('Salesforce error table: every row', () => {
  it('error table, malformed assertion: invalid_grant "invalid assertion"', async () => {
    await expectGrantRefused(h, await h.grant('not-a-jwt'), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('error table, bad signature: invalid_grant "invalid assertion"', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ signature: BAD_RSA_SIGNATURE })), 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('error table, disallowed alg (ES256 on an RSA certificate): invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_not_allowed_for_key');
  });

  it('error table, unknown key (signed by a key on no certificate of the app): invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.attacker, claims: { iss: APPS.ec } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('error table, unknown key (kid names no certificate of the app): invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ header: { kid: 'no-such-certificate' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'key_not_found');
  });

  it('error table, JWT Bearer flow disabled: invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.disabled } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'flow_disabled');
  });

  it('error table, no valid certificate (the only one has expired): invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.expired, claims: { iss: APPS.expired } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'no_valid_certificate');
  });

  it('error table, unknown iss: invalid_client_id "client identifier invalid"', async () => {
    const response = await h.grant(h.assertion({ claims: { iss: 'no-such-consumer-key' } }));
    await expectGrantRefused(h, response, 'invalid_client_id', 'client identifier invalid', 'client_unknown');
  });

  it('error table, aud not accepted: invalid_grant "audience is invalid"', async () => {
    const response = await h.grant(h.assertion({ claims: { aud: 'https://evil.example' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'audience is invalid', 'aud_not_accepted');
  });

  it('error table, exp passed: invalid_grant "expired authorization code"', async () => {
    const response = await h.grant(h.assertion({ claims: { exp: h.now() - 3600, iat: h.now() - 3700 } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'expired authorization code', 'expired');
  });

  it('error table, user unknown: invalid_grant "invalid user"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: 'nobody@acme.test' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_unknown');
  });

  it('error table, user inactive: invalid_grant "invalid user"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.inactive } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_inactive');
  });

  it('error table, user locked: invalid_grant "invalid user"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.locked } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_locked');
  });

  it('error table, user not pre-authorized: invalid_app_access "user is not admin approved to access this app"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.outsider } }));
    await expectGrantRefused(h, response, 'invalid_app_access', 'user is not admin approved to access this app', 'user_not_preauthorized');
  });

  it('error table, self-authorized policy and the user never approved the app: invalid_grant "user hasn\'t approved this consumer"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.self } }));
    await expectGrantRefused(h, response, 'invalid_grant', "user hasn't approved this consumer", 'user_not_approved');
  });

  it('error table, address outside the allowed ranges: invalid_grant "ip restricted"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ip } }), {}, { remoteAddress: '198.51.100.7' });
    await expectGrantRefused(h, response, 'invalid_grant', 'ip restricted', 'ip_outside_app_ranges');
  });

  it('error table, jti already used: invalid_grant "invalid assertion"', async () => {
    const assertion = h.assertion();
    await h.grant(assertion);
    await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'jti_replayed');
  });

  it('error table, jti missing: invalid_grant "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ claims: { jti: undefined } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'jti_missing');
  });

  it('error table, unknown grant type: unsupported_grant_type "grant type not supported"', async () => {
    const response = await h.token({ grant_type: 'urn:example:no-such-grant', assertion: h.assertion() });
    expectOAuthError(response, 400, 'unsupported_grant_type', 'grant type not supported');
    await expectLoginFailure(h, 'unsupported_grant_type', 'grant_type_unsupported', { grant: 'unknown' });
  });
});

describe('Order of checks: nothing about users before the signature holds', () => {
  it('check order: an unknown user with a bad signature is "invalid assertion", not "invalid user"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: 'nobody@acme.test' }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: a locked user with a bad signature is "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.locked }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: a user not pre-authorized, with a bad signature, is "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.outsider }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: an address outside the ranges, with a bad signature, is "invalid assertion"', async () => {
    const response = await h.grant(
      h.assertion({ key: h.keys.ec, claims: { iss: APPS.ip }, signature: Buffer.alloc(64, 1).toString('base64url') }),
      {},
      { remoteAddress: '198.51.100.7' },
    );
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: a passed exp with a bad signature is "invalid assertion", not "expired authorization code"', async () => {
    const response = await h.grant(h.assertion({ claims: { exp: h.now() - 3600 }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: a wrong aud with a bad signature is "invalid assertion", not "audience is invalid"', async () => {
    const response = await h.grant(h.assertion({ claims: { aud: 'https://evil.example' }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('check order: an unknown iss is invalid_client_id even with a bad signature (step 3 precedes step 4)', async () => {
    const response = await h.grant(h.assertion({ claims: { iss: 'no-such-consumer-key', sub: 'nobody@acme.test' }, signature: BAD_RSA_SIGNATURE }));
    await expectGrantRefused(h, response, 'invalid_client_id', 'client identifier invalid', 'client_unknown');
  });

  it('check order: alg none with an unknown iss is "invalid assertion" (the header is checked before iss)', async () => {
    const response = await h.grant(h.assertion({ alg: 'none', claims: { iss: 'no-such-consumer-key' }, signature: 'AA' }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_none');
  });

  it('check order: a malformed assertion is "invalid assertion" whatever its iss', async () => {
    const valid = h.assertion({ claims: { iss: 'no-such-consumer-key' } });
    await expectGrantRefused(h, await h.grant(`${valid}.extra`), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('check order: a disabled flow with an unknown user is "invalid assertion", not "invalid user"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.disabled, sub: 'nobody@acme.test' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'flow_disabled');
  });

  it('check order: a bad signature is not written as the claimed user in the login history', async () => {
    await h.grant(h.assertion({ claims: { sub: USERS.integration }, signature: BAD_RSA_SIGNATURE }));
    await expectLoginFailure(h, 'invalid_grant', 'signature_invalid', { userId: null, username: null });
  });

  it('check order (5 before 6): an expired assertion with a wrong aud is "expired authorization code"', async () => {
    const response = await h.grant(h.assertion({ claims: { exp: h.now() - 3600, aud: 'https://evil.example' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'expired authorization code', 'expired');
  });

  it('check order (6 before 7): a wrong aud with an unknown user is "audience is invalid"', async () => {
    const response = await h.grant(h.assertion({ claims: { aud: 'https://evil.example', sub: 'nobody@acme.test' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'audience is invalid', 'aud_not_accepted');
  });

  it('check order (7 before 8): a locked user who is also not pre-authorized is "invalid user"', async () => {
    await updateUser(h, USERS.locked, { profile: 'Standard User' });
    try {
      const response = await h.grant(h.assertion({ claims: { sub: USERS.locked } }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid user', 'user_locked');
    } finally {
      await updateUser(h, USERS.locked, { profile: 'Integration' });
    }
  });

  it('check order (8 before 9): a user not pre-authorized, from outside the ranges, is invalid_app_access', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ip, sub: USERS.outsider } }), {}, { remoteAddress: '198.51.100.7' });
    await expectGrantRefused(h, response, 'invalid_app_access', 'user is not admin approved to access this app', 'user_not_preauthorized');
  });

  it('check order (9 before 10): a replayed assertion from outside the ranges is "ip restricted"', async () => {
    const assertion = h.assertion({ key: h.keys.ec, claims: { iss: APPS.ip } });
    const first = await h.grant(assertion, {}, { remoteAddress: '192.0.2.10' });
    expectOAuthError(await h.grant(assertion, {}, { remoteAddress: '198.51.100.7' }), 400, 'invalid_grant', 'ip restricted');
    await expectLoginFailure(h, 'invalid_grant', 'ip_outside_app_ranges');
    if (first.statusCode !== 200) throw new Error(`first use failed: ${first.body}`);
  });
});
