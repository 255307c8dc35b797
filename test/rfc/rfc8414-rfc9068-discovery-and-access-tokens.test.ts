/**
 * Discovery (RFC 8414 §2 and §3, OpenID Connect Discovery), the JWK Set (RFC 7517 §5), and
 * JWT access tokens (RFC 9068 §2): `typ: at+jwt`, ES256, the required claims, verifiable by an
 * independent library (jose) against the published JWKS.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { jsonBody } from '../helpers/expect-oauth.js';
import { APPS, BASE_URL, JWT_BEARER, T0, USERS, clientCredentialsToken, getWithToken, jwtBearerToken, startHarness, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function jwks(): Promise<JSONWebKeySet> {
  return jsonBody(await getWithToken(h, '/id/keys')) as unknown as JSONWebKeySet;
}

describe('RFC 8414: authorization server metadata', () => {
  it('RFC 8414 §3.2: the metadata document is served as JSON with the issuer and endpoints', async () => {
    const response = await getWithToken(h, '/.well-known/oauth-authorization-server');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const metadata = jsonBody(response);
    expect(metadata).toMatchObject({
      issuer: BASE_URL,
      token_endpoint: `${BASE_URL}/services/oauth2/token`,
      jwks_uri: `${BASE_URL}/id/keys`,
      introspection_endpoint: `${BASE_URL}/services/oauth2/introspect`,
      revocation_endpoint: `${BASE_URL}/services/oauth2/revoke`,
      userinfo_endpoint: `${BASE_URL}/services/oauth2/userinfo`,
    });
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([JWT_BEARER, 'client_credentials']));
    // Nothing is advertised that the server does not serve: no authorization endpoint, no ID token.
    expect(metadata.response_types_supported).toEqual([]);
    expect(metadata).not.toHaveProperty('authorization_endpoint');
    expect(metadata).not.toHaveProperty('id_token_signing_alg_values_supported');
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_basic', 'client_secret_post']));
  });

  it('RFC 8414 §2: no advertised signing algorithm is none or HMAC', async () => {
    const metadata = jsonBody(await getWithToken(h, '/.well-known/oauth-authorization-server'));
    for (const [name, value] of Object.entries(metadata)) {
      if (!name.endsWith('alg_values_supported')) continue;
      for (const alg of value as string[]) expect(alg, name).not.toMatch(/^(none|HS\d+)$/i);
    }
  });

  it.each(['token', 'introspection', 'revocation'])(
    'RFC 8414 §2: the %s endpoint lists private_key_jwt, so it lists the algorithms a client assertion may use',
    async (endpoint) => {
      const metadata = jsonBody(await getWithToken(h, '/.well-known/oauth-authorization-server'));
      expect(metadata[`${endpoint}_endpoint_auth_methods_supported`]).toContain('private_key_jwt');
      // Client assertions are verified alike at every endpoint: one list, whatever the endpoint.
      expect(metadata[`${endpoint}_endpoint_auth_signing_alg_values_supported`]).toStrictEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']);
    },
  );

  it('OpenID Connect Discovery §4: openid-configuration serves the same document', async () => {
    const oauth = jsonBody(await getWithToken(h, '/.well-known/oauth-authorization-server'));
    const oidc = jsonBody(await getWithToken(h, '/.well-known/openid-configuration'));
    expect(oidc).toStrictEqual(oauth);
  });

  it('RFC 8414 §3.3: the issuer in the metadata is the iss of the tokens', async () => {
    const metadata = jsonBody(await getWithToken(h, '/.well-known/openid-configuration'));
    const token = await jwtBearerToken(h);
    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwks()), { currentDate: h.clock.now() });
    expect(payload.iss).toBe(metadata.issuer);
  });
});

describe('RFC 7517 §5: the JWK Set', () => {
  it('RFC 7517 §5: /id/keys publishes the public ES256 signing key and nothing private', async () => {
    const response = await getWithToken(h, '/id/keys');
    expect(response.statusCode).toBe(200);
    const set = await jwks();
    expect(set.keys.length).toBeGreaterThan(0);
    for (const key of set.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String), x: expect.any(String), y: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('issue 2: the server key is kept in the data directory: another instance on it publishes the same keys and verifies the tokens', async () => {
    const token = await jwtBearerToken(h);
    const before = await jwks();
    const other = await buildKeygate({ dataDir: h.dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock: h.clock }, false);
    try {
      expect(JSON.parse((await other.app.inject({ method: 'GET', url: '/id/keys' })).body)).toStrictEqual(before);
      const userinfo = await other.app.inject({ method: 'GET', url: '/services/oauth2/userinfo', headers: { authorization: `Bearer ${token}` } });
      expect(userinfo.statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('RFC 9068: JWT access tokens', () => {
  it('RFC 9068 §2.1: the header is typ at+jwt, alg ES256, with a kid from the JWKS', async () => {
    const header = decodeProtectedHeader(await jwtBearerToken(h));
    expect(header).toStrictEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect((await jwks()).keys.map((k) => k.kid)).toContain(header.kid);
  });

  it('RFC 9068 §2.2: a JWT Bearer token verifies with jose against the published JWKS and carries the required claims', async () => {
    const token = await jwtBearerToken(h, {}, { scope: 'api openid' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: BASE_URL,
      audience: BASE_URL,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: h.clock.now(),
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    const now = Math.floor(T0.getTime() / 1000);
    expect(payload).toMatchObject({
      iss: BASE_URL,
      sub: await h.userId(USERS.integration),
      aud: BASE_URL,
      client_id: APPS.rsa,
      scope: 'api openid',
      jti: expect.any(String),
      iat: now,
      exp: now + 3600,
    });
  });

  it('RFC 9068 §2.2: a client credentials token names the app and its run-as user', async () => {
    const { payload } = await jwtVerify(await clientCredentialsToken(h), createLocalJWKSet(await jwks()), { typ: 'at+jwt', currentDate: h.clock.now() });
    expect(payload).toMatchObject({ client_id: APPS.cc, sub: await h.userId(USERS.svc), scope: 'api' });
  });

  it('RFC 9068 §2.2: every token has its own jti', async () => {
    const verify = async () => (await jwtVerify(await jwtBearerToken(h), createLocalJWKSet(await jwks()), { currentDate: h.clock.now() })).payload.jti;
    const ids = new Set([await verify(), await verify(), await verify()]);
    expect(ids.size).toBe(3);
  });

  it('RFC 9068 §4: the token fails verification once the frozen clock passes exp', async () => {
    const token = await jwtBearerToken(h);
    const set = createLocalJWKSet(await jwks());
    await expect(jwtVerify(token, set, { currentDate: new Date(T0.getTime() + 3600_000) })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('issue 2: an app that chooses opaque tokens gets an opaque string, not a JWT', async () => {
    const token = await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.opaque } });
    expect(token.split('.')).toHaveLength(1);
    expect(token.startsWith(`${await h.orgId()}!`)).toBe(true);
    expect((await getWithToken(h, '/services/oauth2/userinfo', token)).statusCode).toBe(200);
  });
});
