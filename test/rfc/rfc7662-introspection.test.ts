/**
 * Token introspection (RFC 7662) at `POST /services/oauth2/introspect`: the caller
 * authenticates as an app (§2.1) and learns only about its own tokens; anything else is
 * `{"active": false}` with no other member (§2.2).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOAuthError, jsonBody } from '../helpers/expect-oauth.js';
import {
  APPS,
  BASE_URL,
  CLIENT_ASSERTION_TYPE,
  T0,
  TOKEN_URL,
  USERS,
  basicAuthorization,
  clientCredentialsToken,
  getWithToken,
  jwtBearerToken,
  startHarness,
  updateUser,
  type Harness,
  type Response,
} from '../helpers/keygate-harness.js';
import { compactJws, type TestKey } from '../helpers/keys.js';

const INTROSPECT = '/services/oauth2/introspect';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const asCcApp = (form: Record<string, string>) => h.postForm(INTROSPECT, form, { headers: basicAuthorization(APPS.cc, h.secrets.cc) });

function privateKeyJwt(consumerKey: string, key: TestKey, aud: string = TOKEN_URL): Record<string, string> {
  const now = h.now();
  return {
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: compactJws({ alg: key.alg, header: {}, payload: { iss: consumerKey, sub: consumerKey, aud, exp: now + 30, jti: randomUUID() }, key: key.privateKey }),
  };
}

function expectInactive(response: Response): void {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).toBe('{"active":false}');
}

describe('RFC 7662 §2.2: the caller\'s own tokens', () => {
  it('RFC 7662 §2.2: an active token of the caller is described with its claims', async () => {
    const token = await clientCredentialsToken(h);
    const response = await asCcApp({ token });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
    const body = jsonBody(response);
    const now = Math.floor(T0.getTime() / 1000);
    expect(body).toStrictEqual({
      active: true,
      scope: 'api',
      client_id: APPS.cc,
      username: USERS.svc,
      token_type: 'Bearer',
      exp: now + 3600,
      iat: now,
      sub: await h.userId(USERS.svc),
      aud: BASE_URL,
      iss: BASE_URL,
      jti: expect.any(String),
    });
  });

  it('RFC 7662 §2.1: client_secret_post and private_key_jwt authenticate the caller too', async () => {
    const token = await clientCredentialsToken(h);
    expect(jsonBody(await h.postForm(INTROSPECT, { token, client_id: APPS.cc, client_secret: h.secrets.cc }))).toMatchObject({ active: true });
    expect(jsonBody(await h.postForm(INTROSPECT, { token, ...privateKeyJwt(APPS.cc, h.keys.cc) }))).toMatchObject({ active: true });
  });

  it('RFC 7523 §3: a client assertion may name the introspection endpoint it is sent to, but not another endpoint', async () => {
    const token = await clientCredentialsToken(h);
    expect(jsonBody(await h.postForm(INTROSPECT, { token, ...privateKeyJwt(APPS.cc, h.keys.cc, `${BASE_URL}${INTROSPECT}`) }))).toMatchObject({ active: true, client_id: APPS.cc });
    const elsewhere = await h.postForm(INTROSPECT, { token, ...privateKeyJwt(APPS.cc, h.keys.cc, `${BASE_URL}/services/oauth2/revoke`) });
    expectOAuthError(elsewhere, 401, 'invalid_client', 'client authentication failed');
  });

  it('RFC 7662 §2.2: an opaque token of the caller is described', async () => {
    const token = await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.opaque } });
    expect(token).not.toContain('.');
    const body = jsonBody(await h.postForm(INTROSPECT, { token, ...privateKeyJwt(APPS.opaque, h.keys.ec) }));
    expect(body).toMatchObject({ active: true, client_id: APPS.opaque, username: USERS.integration, scope: 'api openid refresh_token' });
  });

  it('RFC 7662 §2.1: token_type_hint does not change the answer', async () => {
    const token = await clientCredentialsToken(h);
    expect(jsonBody(await asCcApp({ token, token_type_hint: 'refresh_token' }))).toMatchObject({ active: true });
  });

  it('RFC 7662 §2.2: an expired token is inactive', async () => {
    const token = await clientCredentialsToken(h);
    h.clock.advance(3600);
    try {
      expectInactive(await asCcApp({ token }));
    } finally {
      h.clock.set(T0);
    }
  });

  it('RFC 7662 §2.2: a revoked token is inactive', async () => {
    const token = await clientCredentialsToken(h);
    const revoked = await h.postForm('/services/oauth2/revoke', { token }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) });
    expect(revoked.statusCode).toBe(200);
    expectInactive(await asCcApp({ token }));
  });
});

describe('RFC 7662 §2.2: "active" means usable now', () => {
  it('RFC 7662 §2.2: a token whose user was deactivated since is inactive, as the resources refuse it', async () => {
    const token = await clientCredentialsToken(h);
    await updateUser(h, USERS.svc, { active: false });
    try {
      expect((await getWithToken(h, '/services/oauth2/userinfo', token)).statusCode).toBe(401);
      expectInactive(await asCcApp({ token }));
    } finally {
      await updateUser(h, USERS.svc, { active: true });
    }
    expect(jsonBody(await asCcApp({ token }))).toMatchObject({ active: true });
  });

  it('RFC 7662 §2.2: a token whose user was locked since is inactive', async () => {
    const token = await clientCredentialsToken(h);
    await updateUser(h, USERS.svc, { locked: true });
    try {
      expectInactive(await asCcApp({ token }));
    } finally {
      await updateUser(h, USERS.svc, { locked: false });
    }
  });
});

describe('RFC 7662 §2.2: nothing about other tokens', () => {
  it('RFC 7662 §2.2: another app\'s valid token is exactly {"active":false}', async () => {
    expectInactive(await asCcApp({ token: await jwtBearerToken(h) }));
  });

  it('RFC 7662 §2.2: another app\'s opaque token is exactly {"active":false}', async () => {
    expectInactive(await asCcApp({ token: await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.opaque } }) }));
  });

  it('RFC 7662 §2.2: a garbage, tampered or unknown token is exactly {"active":false}', async () => {
    expectInactive(await asCcApp({ token: 'garbage' }));
    const token = await clientCredentialsToken(h);
    expectInactive(await asCcApp({ token: `${token.slice(0, -4)}AAAA` }));
    expectInactive(await asCcApp({ token: 'x'.repeat(5000) }));
    expectInactive(await asCcApp({ token: h.assertion() }));
  });
});

describe('RFC 7662 §2.1: the caller must authenticate', () => {
  it('RFC 7662 §2.1: without client authentication: 401 invalid_client', async () => {
    const response = await h.postForm(INTROSPECT, { token: await clientCredentialsToken(h) });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed');
  });

  it('RFC 7662 §2.1: a wrong secret over Basic: 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const response = await h.postForm(INTROSPECT, { token: await clientCredentialsToken(h) }, { headers: basicAuthorization(APPS.cc, 'wrong') });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: 'Basic realm="keygate"' });
  });

  it('RFC 7662 §2.1: a bearer token is not client authentication', async () => {
    const token = await clientCredentialsToken(h);
    const response = await h.postForm(INTROSPECT, { token }, { headers: { authorization: `Bearer ${token}` } });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed');
  });

  it('RFC 7662 §2.1: a request without the token parameter is invalid_request', async () => {
    expectOAuthError(await asCcApp({ token_type_hint: 'access_token' }), 400, 'invalid_request', 'token is required');
    expectOAuthError(await asCcApp({ token: '' }), 400, 'invalid_request', 'token is required');
  });

  it('RFC 7662 §2.1: OPTIONS is invalid_request, not a missing route', async () => {
    const response = await h.app.inject({ method: 'OPTIONS', url: INTROSPECT });
    expectOAuthError(response, 400, 'invalid_request', 'the introspection endpoint accepts POST only');
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'] as const)('RFC 7662 §2.1: %s is invalid_request', async (method) => {
    const token = await clientCredentialsToken(h);
    const response = await h.app.inject({ method, url: `${INTROSPECT}?token=${token}`, headers: basicAuthorization(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_request', 'the introspection endpoint accepts POST only');
  });

  it('RFC 7662 §2.1: a JSON body that does not parse is invalid_request from the endpoint too', async () => {
    const response = await h.postForm(INTROSPECT, '{"token":', { contentType: 'application/json', headers: basicAuthorization(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  });

  it('RFC 7662 §2.1: a JSON body is invalid_request', async () => {
    const response = await h.postForm(INTROSPECT, JSON.stringify({ token: 'x' }), { contentType: 'application/json', headers: basicAuthorization(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  });
});

describe('org rule requireAsymmetricM2M: a consumer secret does not authenticate the caller', () => {
  const requireCertificates = (on: boolean) => h.services.orgs.upsert({ requireAsymmetricM2M: on });
  beforeAll(() => requireCertificates(true));
  afterAll(() => requireCertificates(false));

  /** A token of the client credentials app, got with its private key as the rule requires. */
  async function ccToken(): Promise<string> {
    const response = await h.token({ grant_type: 'client_credentials', ...privateKeyJwt(APPS.cc, h.keys.cc) });
    expect(response.statusCode, response.body).toBe(200);
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  }

  /** Everything on the wire but the date: two refusals that must be indistinguishable. */
  function wire(response: Response) {
    const { date: _date, ...headers } = response.headers;
    return { status: response.statusCode, headers, body: response.body };
  }

  it('org rule requireAsymmetricM2M: a right consumer secret over Basic is 401 invalid_client, and nothing about the token is told', async () => {
    const token = await ccToken();
    const right = await asCcApp({ token });
    expectOAuthError(right, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: 'Basic realm="keygate"' });
    const wrong = await h.postForm(INTROSPECT, { token }, { headers: basicAuthorization(APPS.cc, `${h.secrets.cc}x`) });
    expect(wire(right)).toStrictEqual(wire(wrong));
  });

  it('org rule requireAsymmetricM2M: a right consumer secret in the form is 401 invalid_client without a challenge', async () => {
    const token = await ccToken();
    const response = await h.postForm(INTROSPECT, { token, client_id: APPS.cc, client_secret: h.secrets.cc });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: null });
  });

  it('org rule requireAsymmetricM2M: a private_key_jwt caller still introspects its token', async () => {
    const token = await ccToken();
    const response = await h.postForm(INTROSPECT, { token, ...privateKeyJwt(APPS.cc, h.keys.cc) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(jsonBody(response)).toMatchObject({ active: true, client_id: APPS.cc, username: USERS.svc });
  });

  it('org rule requireAsymmetricM2M: once the rule is off, the consumer secret introspects again', async () => {
    const token = await ccToken();
    await requireCertificates(false);
    try {
      expect(jsonBody(await asCcApp({ token }))).toMatchObject({ active: true, client_id: APPS.cc });
      expect(jsonBody(await h.postForm(INTROSPECT, { token, client_id: APPS.cc, client_secret: h.secrets.cc }))).toMatchObject({ active: true });
    } finally {
      await requireCertificates(true);
    }
  });
});
