/**
 * Token revocation (RFC 7009) at `POST /services/oauth2/revoke`: an authenticated app
 * revokes its own tokens; without client authentication a valid token may revoke itself
 * (Salesforce's behaviour, rules "Tokens, identity and revocation"); unknown, garbage or
 * foreign tokens answer 200 and change nothing (§2.2). A revoked token is refused at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOAuthError, jsonBody } from '../helpers/expect-oauth.js';
import {
  APPS,
  BASE_URL,
  CLIENT_ASSERTION_TYPE,
  TOKEN_URL,
  basicAuthorization,
  clientCredentialsToken,
  getWithToken,
  jwtBearerToken,
  startHarness,
  type Harness,
  type Response,
} from '../helpers/keygate-harness.js';
import { compactJws } from '../helpers/keys.js';

const REVOKE = '/services/oauth2/revoke';
const USERINFO = '/services/oauth2/userinfo';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function expectRevokeOk(response: Response): void {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).toBe('');
}

async function expectTokenWorks(token: string): Promise<void> {
  expect((await getWithToken(h, USERINFO, token)).statusCode).toBe(200);
}

async function expectTokenRevoked(token: string): Promise<void> {
  const response = await getWithToken(h, USERINFO, token);
  expectOAuthError(response, 401, 'invalid_token', 'the access token has been revoked', {
    wwwAuthenticate: 'Bearer realm="keygate", error="invalid_token", error_description="the access token has been revoked"',
  });
}

const asCcApp = { headers: basicAuthorization(APPS.cc, '') };

/** A private_key_jwt client assertion of the client credentials app. */
const privateKeyJwt = (aud: string = TOKEN_URL) => ({
  client_assertion_type: CLIENT_ASSERTION_TYPE,
  client_assertion: compactJws({
    alg: h.keys.cc.alg,
    header: {},
    payload: { iss: APPS.cc, sub: APPS.cc, aud, exp: h.now() + 30, jti: randomUUID() },
    key: h.keys.cc.privateKey,
  }),
});

describe('RFC 7009 §2.1: revoking with client authentication', () => {
  it('RFC 7009 §2.1: an app revokes its own token; the token is refused at the resources at once', async () => {
    const token = await clientCredentialsToken(h);
    await expectTokenWorks(token);
    expectRevokeOk(await h.postForm(REVOKE, { token }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) }));
    await expectTokenRevoked(token);
    const data = await getWithToken(h, '/services/data', token);
    expectOAuthError(data, 401, 'invalid_token', 'the access token has been revoked', { wwwAuthenticate: /error="invalid_token"/ });
  });

  it('RFC 7523 §3: a client assertion may name the revocation endpoint it is sent to, but not another endpoint', async () => {
    const token = await clientCredentialsToken(h);
    const elsewhere = await h.postForm(REVOKE, { token, ...privateKeyJwt(`${BASE_URL}/services/oauth2/introspect`) });
    expectOAuthError(elsewhere, 401, 'invalid_client', 'client authentication failed');
    await expectTokenWorks(token);
    expectRevokeOk(await h.postForm(REVOKE, { token, ...privateKeyJwt(`${BASE_URL}${REVOKE}`) }));
    await expectTokenRevoked(token);
  });

  it('RFC 7009 §2.1: revoking twice answers 200 both times', async () => {
    const token = await clientCredentialsToken(h);
    const auth = { headers: basicAuthorization(APPS.cc, h.secrets.cc) };
    expectRevokeOk(await h.postForm(REVOKE, { token }, auth));
    expectRevokeOk(await h.postForm(REVOKE, { token }, auth));
    await expectTokenRevoked(token);
  });

  it('RFC 7009 §2.1: a token of another app is left alone (200, and it still works)', async () => {
    const foreign = await jwtBearerToken(h);
    expectRevokeOk(await h.postForm(REVOKE, { token: foreign }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) }));
    await expectTokenWorks(foreign);
  });

  it('RFC 7009 §2.2: a garbage or unknown token answers 200', async () => {
    const auth = { headers: basicAuthorization(APPS.cc, h.secrets.cc) };
    expectRevokeOk(await h.postForm(REVOKE, { token: 'garbage' }, auth));
    expectRevokeOk(await h.postForm(REVOKE, { token: 'a.b.c' }, auth));
    expectRevokeOk(await h.postForm(REVOKE, { token: '00Dxxxxxxxxxxxxxxx!unknown' }, auth));
  });

  it('RFC 7009 §2.1: a wrong client secret is 401 invalid_client, and the token stays valid', async () => {
    const token = await clientCredentialsToken(h);
    const response = await h.postForm(REVOKE, { token }, { headers: basicAuthorization(APPS.cc, 'wrong') });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: 'Basic realm="keygate"' });
    await expectTokenWorks(token);
    // An empty secret is a wrong secret too.
    expectOAuthError(await h.postForm(REVOKE, { token }, asCcApp), 401, 'invalid_client', 'client authentication failed');
    await expectTokenWorks(token);
  });
});

describe('RFC 7009: self-revocation without client authentication', () => {
  it('rules, revocation: a valid JWT access token revokes itself without client authentication', async () => {
    const token = await jwtBearerToken(h);
    await expectTokenWorks(token);
    expectRevokeOk(await h.postForm(REVOKE, { token }));
    await expectTokenRevoked(token);
  });

  it('RFC 7009 §2.1: without client authentication, a client_id naming another app leaves the token alone', async () => {
    const token = await jwtBearerToken(h);
    expectRevokeOk(await h.postForm(REVOKE, { token, client_id: APPS.ec }));
    await expectTokenWorks(token);
    expectRevokeOk(await h.postForm(REVOKE, { token, client_id: APPS.rsa }));
    await expectTokenRevoked(token);
  });

  it('rules, revocation: a valid opaque access token revokes itself', async () => {
    const token = await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.opaque } });
    await expectTokenWorks(token);
    expectRevokeOk(await h.postForm(REVOKE, { token }));
    await expectTokenRevoked(token);
  });

  it('rules, revocation: revoking one token leaves the others of the same user and app alone', async () => {
    const first = await jwtBearerToken(h);
    const second = await jwtBearerToken(h);
    expectRevokeOk(await h.postForm(REVOKE, { token: first }));
    await expectTokenRevoked(first);
    await expectTokenWorks(second);
  });

  it('RFC 7009 §2.2: a tampered token answers 200 and revokes nothing', async () => {
    const token = await jwtBearerToken(h);
    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 1 })).toString('base64url')}.${signature}`;
    expectRevokeOk(await h.postForm(REVOKE, { token: forged }));
    await expectTokenWorks(token);
  });

  it('RFC 7009 §2.1: a request without the token parameter is invalid_request, and revokes nothing', async () => {
    const token = await clientCredentialsToken(h);
    const auth = { headers: basicAuthorization(APPS.cc, h.secrets.cc) };
    expectOAuthError(await h.postForm(REVOKE, { token_type_hint: 'access_token' }, auth), 400, 'invalid_request', 'token is required');
    expectOAuthError(await h.postForm(REVOKE, { token: '' }), 400, 'invalid_request', 'token is required');
    await expectTokenWorks(token);
  });

  it('RFC 7009 §2.1: OPTIONS is invalid_request, not a missing route', async () => {
    const response = await h.app.inject({ method: 'OPTIONS', url: REVOKE });
    expectOAuthError(response, 400, 'invalid_request', 'the revocation endpoint accepts POST only');
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'] as const)('RFC 7009 §2.1: %s is invalid_request, and revokes nothing', async (method) => {
    const token = await jwtBearerToken(h);
    const response = await h.app.inject({ method, url: `${REVOKE}?token=${token}` });
    expectOAuthError(response, 400, 'invalid_request', 'the revocation endpoint accepts POST only');
    await expectTokenWorks(token);
  });

  it('RFC 7009 §2.1: a body that is not a form is invalid_request', async () => {
    const response = await h.postForm(REVOKE, JSON.stringify({ token: 'x' }), { contentType: 'application/json' });
    expectOAuthError(response, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  });
});

describe('org rule requireAsymmetricM2M: a consumer secret does not authenticate the caller', () => {
  const requireCertificates = (on: boolean) => h.services.orgs.upsert({ requireAsymmetricM2M: on });
  beforeAll(() => requireCertificates(true));
  afterAll(() => requireCertificates(false));


  /** A token of the client credentials app, got with its private key as the rule requires. */
  async function ccToken(): Promise<string> {
    const response = await h.token({ grant_type: 'client_credentials', ...privateKeyJwt() });
    expect(response.statusCode, response.body).toBe(200);
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  }

  /** What introspection, asked with the app's private key, says of the token. */
  async function introspect(token: string): Promise<Record<string, unknown>> {
    return jsonBody(await h.postForm('/services/oauth2/introspect', { token, ...privateKeyJwt() }));
  }

  it('org rule requireAsymmetricM2M: a right consumer secret over Basic is 401 invalid_client, and the token stays active', async () => {
    const token = await ccToken();
    const response = await h.postForm(REVOKE, { token }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: 'Basic realm="keygate"' });
    expect(await introspect(token)).toMatchObject({ active: true, client_id: APPS.cc });
    await expectTokenWorks(token);
  });

  it('org rule requireAsymmetricM2M: a right consumer secret in the form is 401 invalid_client without a challenge, and the token stays active', async () => {
    const token = await ccToken();
    const response = await h.postForm(REVOKE, { token, client_id: APPS.cc, client_secret: h.secrets.cc });
    expectOAuthError(response, 401, 'invalid_client', 'client authentication failed', { wwwAuthenticate: null });
    expect(await introspect(token)).toMatchObject({ active: true, client_id: APPS.cc });
  });

  it('org rule requireAsymmetricM2M: a private_key_jwt caller still revokes its token', async () => {
    const token = await ccToken();
    expectRevokeOk(await h.postForm(REVOKE, { token, ...privateKeyJwt(`${BASE_URL}${REVOKE}`) }));
    expect(await introspect(token)).toStrictEqual({ active: false });
    await expectTokenRevoked(token);
  });

  it('org rule requireAsymmetricM2M: a token still revokes itself without client authentication, as no client authenticates', async () => {
    const token = await ccToken();
    expectRevokeOk(await h.postForm(REVOKE, { token }));
    await expectTokenRevoked(token);
  });

  it('org rule requireAsymmetricM2M: once the rule is off, the consumer secret revokes again', async () => {
    const basicToken = await ccToken();
    const postToken = await ccToken();
    await requireCertificates(false);
    try {
      expectRevokeOk(await h.postForm(REVOKE, { token: basicToken }, { headers: basicAuthorization(APPS.cc, h.secrets.cc) }));
      expectRevokeOk(await h.postForm(REVOKE, { token: postToken, client_id: APPS.cc, client_secret: h.secrets.cc }));
    } finally {
      await requireCertificates(true);
    }
    await expectTokenRevoked(basicToken);
    await expectTokenRevoked(postToken);
  });
});
