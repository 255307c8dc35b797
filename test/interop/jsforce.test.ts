/**
 * jsforce (3.9), unmodified, against a Keygate server started here: the JWT Bearer grant
 * through `Connection.authorize`, the identity URL (jsforce sends the token both in the
 * Authorization header and in the `oauth_token` query parameter), a SOQL query through the
 * REST surface, and `oauth2.revokeToken`, which jsforce sends without client authentication,
 * as Salesforce allows. The revoked token is refused afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Connection } from 'jsforce';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, startInteropServer, type InteropServer } from './interop-server.js';

const CLIENT_ID = 'jsforce-integration';
const USERNAME = 'jsforce@acme.test';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('interop: jsforce against Keygate', () => {
  let kg: InteropServer;
  let privateKeyPem: string;

  beforeAll(async () => {
    const key = await makeKey('RS256', 'jsforce');
    privateKeyPem = key.privateKeyPem;
    kg = await startInteropServer({
      org: { name: 'Acme Interop' },
      users: [{ username: USERNAME, profile: 'Integration', email: 'jsforce@acme.test' }],
      apps: [
        {
          name: 'jsforce',
          consumerKey: CLIENT_ID,
          certificates: [{ pem: key.certificatePem }],
          flows: { jwtBearer: true },
          policies: { profiles: ['Integration'] },
        },
      ],
    });
  });
  afterAll(async () => kg?.close());

  async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: CLIENT_ID, sub: USERNAME, aud: kg.url, iat: now, exp: now + 180, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .sign(await importPKCS8(privateKeyPem, 'RS256'));
  }

  it('authorizes with the jwt-bearer grant, reads the identity and the org, revokes, and is refused after', { timeout: 20_000 }, async () => {
    const conn = new Connection({ loginUrl: kg.url });
    const userInfo = await conn.authorize({ grant_type: JWT_BEARER, assertion: await assertion() });

    const org = await kg.server.services.orgs.get();
    const user = await kg.server.services.users.get({ username: USERNAME });
    expect(userInfo).toMatchObject({ id: user.id, organizationId: org.id, url: `${kg.url}/id/${org.id}/${user.id}` });
    expect(conn.instanceUrl).toBe(kg.url);
    const token = conn.accessToken!;
    expect(token).toEqual(expect.any(String));

    // GET {id}?format=json&oauth_token=... with Authorization: Bearer as well.
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: user.id, organization_id: org.id, username: USERNAME, email: 'jsforce@acme.test' });

    // jsforce's default API version (50.0) and its query resource.
    const result = await conn.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Organization');
    expect(result).toMatchObject({ totalSize: 1, done: true, records: [{ Id: org.id, Name: 'Acme Interop' }] });

    // RFC 7009 without client authentication: the token revokes itself.
    await conn.oauth2.revokeToken(token);

    await expect(conn.identity()).rejects.toThrow();
    for (const url of [`${kg.url}/id/${org.id}/${user.id}`, `${kg.url}/services/data`]) {
      const refused = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="keygate", error="invalid_token"/);
    }
    const viaQuery = await fetch(`${kg.url}/id/${org.id}/${user.id}?format=json&oauth_token=${encodeURIComponent(token)}`);
    expect(viaQuery.status).toBe(401);
  });

  it('surfaces the Salesforce error strings through jsforce', { timeout: 20_000 }, async () => {
    const conn = new Connection({ loginUrl: kg.url });
    await expect(conn.authorize({ grant_type: JWT_BEARER, assertion: await assertion({ sub: 'nobody@acme.test' }) })).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'invalid user',
    });
    await expect(conn.authorize({ grant_type: JWT_BEARER, assertion: await assertion({ aud: 'https://elsewhere.test' }) })).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'audience is invalid',
    });
    const replayed = await assertion();
    await conn.authorize({ grant_type: JWT_BEARER, assertion: replayed });
    await expect(conn.authorize({ grant_type: JWT_BEARER, assertion: replayed })).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'invalid assertion',
    });
  });
});
