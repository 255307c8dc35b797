/**
 * Client authentication (RFC 6749 §2.3, RFC 7523 §2.2 and §3 for private_key_jwt) at the
 * token endpoint, with the grants that use it: client credentials (RFC 6749 §4.4) and the
 * legacy resource owner password grant (§4.3), which answers only when the app enables it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFreshAssertionStillWorks, expectLoginFailure, expectOAuthError, expectTokenResponse, type ErrorExpectations } from '../helpers/expect-oauth.js';
import { APPS, BASE_URL, CLIENT_ASSERTION_TYPE, TOKEN_URL, USERS, startHarness, type Harness, type Response } from '../helpers/keygate-harness.js';
import { compactJws, type TestKey } from '../helpers/keys.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const BASIC_CHALLENGE = 'Basic realm="keygate"';

function basic(clientId: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` };
}

/** A private_key_jwt client assertion for the client credentials app. */
function clientAssertion(options: { key?: TestKey; header?: Record<string, unknown>; claims?: Record<string, unknown>; alg?: string } = {}): string {
  const key = options.key ?? h.keys.cc;
  return compactJws({
    alg: options.alg ?? key.alg,
    header: { typ: 'JWT', ...options.header },
    payload: { iss: APPS.cc, sub: APPS.cc, aud: TOKEN_URL, exp: h.now() + 30, iat: h.now(), jti: randomUUID(), ...options.claims },
    key: key.privateKey,
  });
}

function clientCredentials(assertion: string, extra: Record<string, string> = {}) {
  return h.token({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion, ...extra });
}

function expectInvalidClient(response: Response, options: ErrorExpectations = {}): void {
  expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', options);
}

/** Everything on the wire but the date: two failures that must be indistinguishable. */
function wire(response: Response) {
  const { date: _date, ...headers } = response.headers;
  return { status: response.statusCode, headers, body: response.body };
}

describe('RFC 7523 §2.2: private_key_jwt', () => {
  it('RFC 7523 §2.2: client credentials with a signed client assertion issue a token for the run-as user', async () => {
    const body = expectTokenResponse(await clientCredentials(clientAssertion()), { scope: 'api' });
    expect(String(body.id).endsWith(`/${await h.userId(USERS.svc)}`)).toBe(true);
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', grant: 'client-credentials', credential: 'client-assertion', appName: 'CC App', username: USERS.svc, scope: expect.any(String) });
  });

  it('RFC 7523 §3 item 3: the issuer (base URL) is an accepted audience', async () => {
    expectTokenResponse(await clientCredentials(clientAssertion({ claims: { aud: BASE_URL } })));
  });

  it('RFC 7523 §3: typ client-authentication+jwt is accepted', async () => {
    expectTokenResponse(await clientCredentials(clientAssertion({ header: { typ: 'client-authentication+jwt' } })));
  });

  it('RFC 7523 §3 item 5: nbf and iat within the clock skew are accepted', async () => {
    expectTokenResponse(await clientCredentials(clientAssertion({ claims: { nbf: h.now() + 30, iat: h.now() + 30 } })));
  });

  it('RFC 7523 §3: a matching client_id parameter is accepted', async () => {
    expectTokenResponse(await clientCredentials(clientAssertion(), { client_id: APPS.cc }));
  });

  it('RFC 7523 §3 item 7: a replayed client assertion is invalid_client', async () => {
    const assertion = clientAssertion();
    expectTokenResponse(await clientCredentials(assertion));
    expectInvalidClient(await clientCredentials(assertion));
    await expectLoginFailure(h, 'invalid_client', 'client_assertion_replayed');
  });

  it('RFC 7523 §3 item 7: 20 concurrent uses of one client assertion: exactly one succeeds', async () => {
    const assertion = clientAssertion();
    const responses = await Promise.all(Array.from({ length: 20 }, () => clientCredentials(assertion)));
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of responses.filter((x) => x.statusCode !== 200)) expectInvalidClient(r);
  });

  const refusals: [string, () => string, string][] = [
    ['an exp more than 60 s ahead (policy)', () => clientAssertion({ claims: { exp: h.now() + 61 } }), 'client_assertion_exp_too_far'],
    ['an exp that has passed', () => clientAssertion({ claims: { exp: h.now() } }), 'client_assertion_expired'],
    ['no exp', () => clientAssertion({ claims: { exp: undefined } }), 'client_assertion_exp_missing'],
    ['a string exp', () => clientAssertion({ claims: { exp: String(h.now() + 30) } }), 'client_assertion_exp_missing'],
    ['iss different from sub', () => clientAssertion({ claims: { sub: USERS.svc } }), 'client_assertion_iss_sub_mismatch'],
    ['a foreign aud', () => clientAssertion({ claims: { aud: 'https://evil.example' } }), 'client_assertion_aud'],
    ['aud as a two-element array', () => clientAssertion({ claims: { aud: [TOKEN_URL, BASE_URL] } }), 'client_assertion_aud'],
    ['no jti', () => clientAssertion({ claims: { jti: undefined } }), 'client_assertion_jti_invalid'],
    ['an nbf an hour ahead (RFC 7523 §3 item 5)', () => clientAssertion({ claims: { nbf: h.now() + 3600 } }), 'client_assertion_nbf_in_future'],
    ['an nbf that is not a number', () => clientAssertion({ claims: { nbf: String(h.now()) } }), 'client_assertion_nbf_in_future'],
    ['an iat an hour ahead (rules step 5, stricter reading)', () => clientAssertion({ claims: { iat: h.now() + 3600 } }), 'client_assertion_iat_in_future'],
    ['a signature by a key not on the app', () => clientAssertion({ key: h.keys.attacker }), 'alg_not_allowed_for_key'],
    ['a signature by another app\'s key', () => clientAssertion({ key: h.keys.rsa }), 'signature_invalid'],
    ['alg none', () => clientAssertion({ alg: 'none' }).replace(/[^.]*$/, 'c2ln'), 'alg_none'],
    ['alg HS256 keyed with the certificate', () => compactJws({ alg: 'HS256', header: {}, payload: { iss: APPS.cc, sub: APPS.cc, aud: TOKEN_URL, exp: h.now() + 30, jti: randomUUID() }, key: Buffer.from(h.keys.cc.certificatePem) }), 'alg_hmac'],
    ['typ at+jwt', () => clientAssertion({ header: { typ: 'at+jwt' } }), 'typ_mismatch'],
    ['a garbage assertion', () => 'not.a.jwt', 'client_assertion_malformed'],
  ];
  for (const [label, make, reason] of refusals) {
    it(`RFC 7523 §3: a client assertion with ${label} is invalid_client`, async () => {
      expectInvalidClient(await clientCredentials(make()));
      await expectLoginFailure(h, 'invalid_client', reason, { grant: 'client-credentials' });
      expectTokenResponse(await clientCredentials(clientAssertion()));
    });
  }

  it('RFC 7523 §3: a client_id parameter naming another client than iss is invalid_client', async () => {
    expectInvalidClient(await clientCredentials(clientAssertion(), { client_id: APPS.rsa }));
    await expectLoginFailure(h, 'invalid_client', 'client_assertion_client_id_mismatch');
  });

  it('RFC 6749 §5.2: an unknown client in a client assertion answers exactly like a bad signature', async () => {
    const unknown = await clientCredentials(clientAssertion({ claims: { iss: 'no-such-client', sub: 'no-such-client' } }));
    const badSignature = await clientCredentials(clientAssertion({ key: h.keys.rsa }));
    expectInvalidClient(unknown);
    expect(wire(unknown)).toStrictEqual(wire(badSignature));
  });

  it('RFC 7521 §4.2: a wrong client_assertion_type is invalid_request', async () => {
    const response = await h.token({ grant_type: 'client_credentials', client_assertion_type: 'urn:example:other', client_assertion: clientAssertion() });
    expectOAuthError(response, 400, 'invalid_request', 'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('RFC 8725 §3.11: a JWT Bearer grant assertion is not a client assertion (iss ≠ sub)', async () => {
    const grantAssertion = h.assertion({ key: h.keys.cc, claims: { iss: APPS.cc, sub: USERS.svc, aud: TOKEN_URL } });
    expectInvalidClient(await clientCredentials(grantAssertion));
  });
});

describe('RFC 6749 §2.3.1: client secrets', () => {
  it('RFC 6749 §2.3.1: client_secret_basic authenticates the client', async () => {
    expectTokenResponse(await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, h.secrets.cc) }), { scope: 'api' });
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', credential: 'client-secret' });
  });

  it('RFC 6749 §2.3.1: a client_id parameter beside Basic credentials must name the same client', async () => {
    const response = await h.token({ grant_type: 'client_credentials', client_id: APPS.rsa }, { headers: basic(APPS.cc, h.secrets.cc) });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
    await expectLoginFailure(h, 'invalid_client', 'client_id_mismatch', { grant: 'client-credentials' });
    expectTokenResponse(await h.token({ grant_type: 'client_credentials', client_id: APPS.cc }, { headers: basic(APPS.cc, h.secrets.cc) }));
  });

  it('RFC 6749 §2.3.1: client_secret_post authenticates the client', async () => {
    expectTokenResponse(await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: h.secrets.cc }));
  });

  it('RFC 6749 §5.2: a wrong secret over Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const response = await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, `${h.secrets.cc}x`) });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
    await expectLoginFailure(h, 'invalid_client', 'client_secret_mismatch');
  });

  it('RFC 6749 §5.2: an unknown client over Basic answers exactly like a wrong secret', async () => {
    const unknown = await h.token({ grant_type: 'client_credentials' }, { headers: basic('no-such-client', h.secrets.cc) });
    const wrong = await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, 'wrong-secret') });
    expectInvalidClient(unknown, { wwwAuthenticate: BASIC_CHALLENGE });
    expect(wire(unknown)).toStrictEqual(wire(wrong));
    await expectLoginFailure(h, 'invalid_client', 'client_secret_mismatch');
  });

  it('RFC 6749 §5.2: a malformed Basic header is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const response = await h.token({ grant_type: 'client_credentials' }, { headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
  });

  it('RFC 6749 §5.2: a wrong secret in the body is 401 invalid_client', async () => {
    expectInvalidClient(await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: 'wrong-secret' }), { wwwAuthenticate: null });
  });

  it('RFC 6749 §5.2: an unknown client in the body answers exactly like a wrong secret', async () => {
    const unknown = await h.token({ grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: 'wrong-secret' });
    const wrong = await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: 'wrong-secret' });
    expectInvalidClient(unknown, { wwwAuthenticate: null });
    expect(wire(unknown)).toStrictEqual(wire(wrong));
  });

  it('RFC 6749 §5.2: an app without a consumer secret cannot authenticate with one', async () => {
    expectInvalidClient(await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.rsa, 'anything') }), { wwwAuthenticate: BASIC_CHALLENGE });
  });

  it('RFC 6749 §5.2: an Authorization header of another scheme is 401 invalid_client naming the Basic scheme', async () => {
    const response = await h.token({ grant_type: 'client_credentials' }, { headers: { authorization: 'Bearer not-a-client-credential' } });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
    await expectLoginFailure(h, 'invalid_client', 'client_auth_scheme_unsupported');
  });

  it('RFC 6749 §2.3: no client credentials at all is 401 invalid_client', async () => {
    expectInvalidClient(await h.token({ grant_type: 'client_credentials' }));
    expectInvalidClient(await h.token({ grant_type: 'client_credentials', client_id: APPS.cc }));
  });

  it('RFC 6749 §2.3: Basic and client_secret in the body at once is invalid_request', async () => {
    const response = await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: h.secrets.cc }, { headers: basic(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_request', 'use exactly one client authentication method');
    await expectLoginFailure(h, 'invalid_request', 'client_auth_multiple_methods');
  });

  it('RFC 6749 §2.3: Basic and a client assertion at once is invalid_request', async () => {
    const response = await h.token(
      { grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion() },
      { headers: basic(APPS.cc, h.secrets.cc) },
    );
    expectOAuthError(response, 400, 'invalid_request', 'use exactly one client authentication method');
  });

  it('RFC 6749 §2.3: a client secret and a client assertion in the body at once is invalid_request', async () => {
    const response = await clientCredentials(clientAssertion(), { client_id: APPS.cc, client_secret: h.secrets.cc });
    expectOAuthError(response, 400, 'invalid_request', 'use exactly one client authentication method');
  });
});

describe('RFC 6749 §4.4: the client credentials grant', () => {
  it('RFC 6749 §5.2: an app whose client credentials flow is off is unauthorized_client', async () => {
    const response = await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.secret, h.secrets.secretApp) });
    expectOAuthError(response, 400, 'unauthorized_client', 'the client credentials flow is not enabled for this app');
    await expectLoginFailure(h, 'unauthorized_client', 'flow_disabled');
  });

  it('RFC 6749 §3.3: scope narrows, and a scope outside the app is invalid_scope', async () => {
    expectTokenResponse(await h.token({ grant_type: 'client_credentials', scope: 'api' }, { headers: basic(APPS.cc, h.secrets.cc) }), { scope: 'api' });
    const response = await h.token({ grant_type: 'client_credentials', scope: 'api admin' }, { headers: basic(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_scope', 'the requested scope exceeds the scopes granted to this app');
  });

  it('RFC 6749 §4.4.3: no refresh token is issued', async () => {
    const body = expectTokenResponse(await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, h.secrets.cc) }));
    expect(body).not.toHaveProperty('refresh_token');
  });
});

describe('RFC 6749 §4.3: the legacy password grant', () => {
  const passwordForm = (password: string) => ({ grant_type: 'password', username: USERS.pw, password });

  it('RFC 9700 §2.4: the password grant is unauthorized_client for an app that does not enable it', async () => {
    const response = await h.token(passwordForm(h.secrets.userPassword), { headers: basic(APPS.secret, h.secrets.secretApp) });
    expectOAuthError(response, 400, 'unauthorized_client', 'the username-password flow is not enabled for this app');
    await expectLoginFailure(h, 'unauthorized_client', 'flow_disabled', { grant: 'password' });
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §4.3.2: an app that enables it gets a token for the right password', async () => {
    expectTokenResponse(await h.token(passwordForm(h.secrets.userPassword), { headers: basic(APPS.password, h.secrets.passwordApp) }));
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', grant: 'password', credential: 'password', username: USERS.pw });
  });

  it('RFC 6749 §4.3.2: the username matches in any letter case, and the history names the user as stored', async () => {
    const upper = { ...passwordForm(h.secrets.userPassword), username: USERS.pw.toUpperCase() };
    expectTokenResponse(await h.token(upper, { headers: basic(APPS.password, h.secrets.passwordApp) }));
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', grant: 'password', username: USERS.pw, userId: await h.userId(USERS.pw) });
  });

  it('RFC 6749 §5.2: a wrong password is invalid_grant', async () => {
    const response = await h.token(passwordForm('wrong-password-123'), { headers: basic(APPS.password, h.secrets.passwordApp) });
    expectOAuthError(response, 400, 'invalid_grant', 'authentication failure');
    await expectLoginFailure(h, 'invalid_grant', 'password_mismatch');
  });

  it('RFC 6749 §5.2: an unknown user answers exactly like a wrong password', async () => {
    const unknown = await h.token({ grant_type: 'password', username: 'nobody@acme.test', password: 'wrong-password-123' }, { headers: basic(APPS.password, h.secrets.passwordApp) });
    const wrong = await h.token(passwordForm('wrong-password-123'), { headers: basic(APPS.password, h.secrets.passwordApp) });
    expectOAuthError(unknown, 400, 'invalid_grant', 'authentication failure');
    expect(wire(unknown)).toStrictEqual(wire(wrong));
  });

  it('RFC 6749 §4.3.2: the password grant still needs client authentication', async () => {
    expectInvalidClient(await h.token(passwordForm(h.secrets.userPassword), { headers: basic(APPS.password, 'wrong-secret') }), { wwwAuthenticate: BASIC_CHALLENGE });
  });

  it('RFC 7523 §3 item 7: a client assertion is spent before the password is tried (one assertion, one guess)', async () => {
    const assertion = clientAssertion({ claims: { iss: APPS.password, sub: APPS.password } });
    const withAssertion = (password: string) =>
      h.token({ ...passwordForm(password), client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });
    expectOAuthError(await withAssertion('wrong-password-123'), 400, 'invalid_grant', 'authentication failure');
    await expectLoginFailure(h, 'invalid_grant', 'password_mismatch');
    expectInvalidClient(await withAssertion(h.secrets.userPassword));
    await expectLoginFailure(h, 'invalid_client', 'client_assertion_replayed');
    const fresh = clientAssertion({ claims: { iss: APPS.password, sub: APPS.password } });
    expectTokenResponse(await h.token({ ...passwordForm(h.secrets.userPassword), client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: fresh }));
  });

  it('RFC 6749 §5.2: a password request without a password is invalid_request', async () => {
    const response = await h.token({ grant_type: 'password', username: USERS.pw }, { headers: basic(APPS.password, h.secrets.passwordApp) });
    expectOAuthError(response, 400, 'invalid_request', 'username and password are required');
  });
});

describe('org rule requireAsymmetricM2M: only a private key authenticates a machine-to-machine request', () => {
  const requireCertificates = (on: boolean) => h.services.orgs.upsert({ requireAsymmetricM2M: on });
  beforeAll(() => requireCertificates(true));
  afterAll(() => requireCertificates(false));

  it('org rule requireAsymmetricM2M: a right consumer secret over Basic is 401 invalid_client, and no token is issued', async () => {
    const response = await h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, h.secrets.cc) });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
    await expectLoginFailure(h, 'invalid_client', 'org_requires_certificate', { grant: 'client-credentials', credential: 'client-secret', appName: 'CC App', scope: null });
  });

  it('org rule requireAsymmetricM2M: a right consumer secret in the form is 401 invalid_client, answered like a wrong one', async () => {
    const right = await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: h.secrets.cc });
    expectInvalidClient(right);
    await expectLoginFailure(h, 'invalid_client', 'org_requires_certificate');
    const wrong = await h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: `${h.secrets.cc}x` });
    expect(wire(right)).toStrictEqual(wire(wrong));
  });

  it('org rule requireAsymmetricM2M: client credentials with private_key_jwt still get a token', async () => {
    expectTokenResponse(await clientCredentials(clientAssertion()), { scope: 'api' });
  });

  it('org rule requireAsymmetricM2M: the password grant is unauthorized_client even with a client assertion, and the password is not tried', async () => {
    const assertion = clientAssertion({ claims: { iss: APPS.password, sub: APPS.password } });
    const response = await h.token({
      grant_type: 'password',
      username: USERS.pw,
      password: 'not-even-checked',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    expectOAuthError(response, 400, 'unauthorized_client', 'this org requires certificate-based authentication');
    await expectLoginFailure(h, 'unauthorized_client', 'org_requires_certificate', { grant: 'password' });
  });

  it('org rule requireAsymmetricM2M: the JWT Bearer grant is unaffected', async () => {
    await expectFreshAssertionStillWorks(h);
  });
});

describe('RFC 6749 §3.2.1: client credentials sent beside a JWT Bearer grant', () => {
  /** A private_key_jwt client assertion of the RSA app, which the JWT Bearer grant also names. */
  const rsaClientAssertion = () =>
    compactJws({
      alg: 'RS256',
      header: { typ: 'JWT' },
      payload: { iss: APPS.rsa, sub: APPS.rsa, aud: TOKEN_URL, exp: h.now() + 30, iat: h.now(), jti: randomUUID() },
      key: h.keys.rsa.privateKey,
    });

  it('RFC 7521 §4.1: the grant needs no client authentication, and a client_id naming its own app is accepted', async () => {
    expectTokenResponse(await h.grant(h.assertion()));
    expectTokenResponse(await h.grant(h.assertion(), { client_id: APPS.rsa }));
  });

  it('RFC 6749 §3.2.1: a wrong consumer secret beside the grant is 401 invalid_client, not ignored', async () => {
    const response = await h.grant(h.assertion(), {}, { headers: basic(APPS.cc, 'wrong-secret') });
    expectInvalidClient(response, { wwwAuthenticate: BASIC_CHALLENGE });
    await expectLoginFailure(h, 'invalid_client', 'client_secret_mismatch', { grant: 'jwt-bearer' });
    expectInvalidClient(await h.grant(h.assertion(), { client_id: APPS.cc, client_secret: 'wrong-secret' }), { wwwAuthenticate: null });
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2.1: a client assertion beside the grant that does not verify is 401 invalid_client', async () => {
    const response = await h.grant(h.assertion(), { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: 'a.b.c' });
    expectInvalidClient(response, { wwwAuthenticate: null });
    await expectLoginFailure(h, 'invalid_client', 'client_assertion_malformed', { grant: 'jwt-bearer' });
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §2.3: a consumer secret and a client assertion beside the grant at once is invalid_request', async () => {
    const response = await h.grant(h.assertion(), { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: rsaClientAssertion() }, { headers: basic(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_request', 'use exactly one client authentication method');
  });

  it('RFC 6749 §5.2: an assertion issued to another client than the one authenticated or named is invalid_grant', async () => {
    const authenticated = await h.grant(h.assertion(), {}, { headers: basic(APPS.cc, h.secrets.cc) });
    expectOAuthError(authenticated, 400, 'invalid_grant', 'the assertion was issued to another client');
    await expectLoginFailure(h, 'invalid_grant', 'assertion_of_another_client', { grant: 'jwt-bearer', appName: 'RSA App', credential: 'assertion' });
    const named = await h.grant(h.assertion(), { client_id: APPS.ec });
    expectOAuthError(named, 400, 'invalid_grant', 'the assertion was issued to another client');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 7523 §3 item 7: a client assertion beside the grant authenticates its app once, and is spent with the grant', async () => {
    const clientAssertionOnce = rsaClientAssertion();
    const form = { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertionOnce };
    expectTokenResponse(await h.grant(h.assertion(), form));
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', credential: 'assertion', appName: 'RSA App' });
    expectInvalidClient(await h.grant(h.assertion(), form), { wwwAuthenticate: null });
    await expectLoginFailure(h, 'invalid_client', 'client_assertion_replayed', { grant: 'jwt-bearer' });
  });

  it('RFC 6749 §3.2.1: the right consumer secret of the app the assertion names is accepted', async () => {
    const { consumerSecret } = await h.services.apps.create({
      name: 'Secret And Certificate App',
      consumerKey: 'secret-and-cert-app',
      generateSecret: true,
      certificates: [h.keys.ec.certificatePem],
      flows: { jwtBearer: true },
      policies: { profiles: ['Integration'] },
    });
    const assertion = h.assertion({ key: h.keys.ec, claims: { iss: 'secret-and-cert-app' } });
    expectTokenResponse(await h.grant(assertion, {}, { headers: basic('secret-and-cert-app', consumerSecret!) }));
  });
});
