/**
 * openid-client (v6, on oauth4webapi), unmodified, against a Keygate server started here:
 * discovery (RFC 8414 / OpenID Discovery), the JWT Bearer grant through `genericGrantRequest`
 * (RFC 7523 §2.1), client credentials with `private_key_jwt` (RFC 7523 §2.2), introspection
 * (RFC 7662) and revocation (RFC 7009), and the access token verified as an RFC 9068 JWT
 * against the published JWK Set with jose.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, importPKCS8, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, startInteropServer, type InteropServer } from './interop-server.js';

const CLIENT_ID = 'oidc-integration';
const USERNAME = 'oidc@acme.test';
const RUN_AS = 'oidc-svc@acme.test';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('interop: openid-client v6 against Keygate', () => {
  let kg: InteropServer;
  let privateKey: CryptoKey;
  let config: oidc.Configuration;

  beforeAll(async () => {
    const key = await makeKey('ES256', 'oidc');
    privateKey = await importPKCS8(key.privateKeyPem, 'ES256');
    kg = await startInteropServer({
      users: [
        { username: USERNAME, profile: 'Integration' },
        { username: RUN_AS, profile: 'Integration' },
      ],
      apps: [
        {
          name: 'oidc',
          consumerKey: CLIENT_ID,
          scopes: ['api', 'openid'],
          certificates: [{ pem: key.certificatePem }],
          flows: { jwtBearer: true, clientCredentials: true },
          clientCredentialsRunAs: RUN_AS,
          policies: { profiles: ['Integration'] },
        },
      ],
    });
    config = await oidc.discovery(new URL(kg.url), CLIENT_ID, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt(privateKey), {
      execute: [oidc.allowInsecureRequests],
      timeout: 10,
    });
  });
  afterAll(async () => kg?.close());

  async function assertion(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: CLIENT_ID, sub: USERNAME, aud: kg.url, iat: now, exp: now + 120, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(privateKey);
  }

  /** RFC 9068 §4: the access token verifies against the JWK Set of the discovered metadata. */
  async function verifyAccessToken(token: string) {
    const metadata = config.serverMetadata();
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!), { timeoutDuration: 5000 });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: metadata.issuer, audience: kg.url, typ: 'at+jwt' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    return payload;
  }

  it('RFC 8414: discovers the issuer, endpoints and private_key_jwt', () => {
    const metadata = config.serverMetadata();
    expect(metadata).toMatchObject({
      issuer: kg.url,
      token_endpoint: `${kg.url}/services/oauth2/token`,
      jwks_uri: `${kg.url}/id/keys`,
      introspection_endpoint: `${kg.url}/services/oauth2/introspect`,
      revocation_endpoint: `${kg.url}/services/oauth2/revoke`,
    });
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([JWT_BEARER, 'client_credentials']));
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });

  it('RFC 7523 §2.1: genericGrantRequest with the jwt-bearer grant; the token verifies against the JWKS', { timeout: 20_000 }, async () => {
    const tokens = await oidc.genericGrantRequest(config, JWT_BEARER, { assertion: await assertion() });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'api openid', expires_in: expect.any(Number) });
    const user = await kg.server.services.users.get({ username: USERNAME });
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: user.id, client_id: CLIENT_ID, scope: 'api openid' });

    // A token with a flipped signature byte does not verify.
    const [h, p, s] = tokens.access_token.split('.');
    const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    await expect(verifyAccessToken(flipped)).rejects.toThrow();
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
  });

  it('RFC 7523 §2.2: clientCredentialsGrant with PrivateKeyJwt acts as the run-as user', { timeout: 20_000 }, async () => {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'api' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'api' });
    const runAs = await kg.server.services.users.get({ username: RUN_AS });
    expect(await verifyAccessToken(tokens.access_token)).toMatchObject({ sub: runAs.id, client_id: CLIENT_ID, scope: 'api' });
  });

  it('RFC 7662 and RFC 7009: introspects a live token, revokes it, then introspection says inactive', { timeout: 20_000 }, async () => {
    const { access_token } = await oidc.genericGrantRequest(config, JWT_BEARER, { assertion: await assertion() });
    const live = await oidc.tokenIntrospection(config, access_token);
    expect(live).toMatchObject({ active: true, client_id: CLIENT_ID, scope: 'api openid', token_type: 'Bearer' });

    await oidc.tokenRevocation(config, access_token);
    expect(await oidc.tokenIntrospection(config, access_token)).toStrictEqual({ active: false });
    const refused = await fetch(`${kg.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(refused.status).toBe(401);
  });

  it('RFC 6749 §5.2: surfaces the token endpoint error as a ResponseBodyError', { timeout: 20_000 }, async () => {
    const error = await oidc.genericGrantRequest(config, JWT_BEARER, { assertion: 'not.a.jwt' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'invalid assertion' });
  });
});
