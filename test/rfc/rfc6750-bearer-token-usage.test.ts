/**
 * Bearer token usage (RFC 6750) at the resources Keygate serves: userinfo, the identity URL
 * and `/services/data`. §2.1 header only (the identity URL also reads Salesforce's
 * `oauth_token`), §3 challenges: bare `Bearer realm` without a token, `error="invalid_token"`
 * for an expired, tampered, revoked, unknown or wrongly typed one, and `insufficient_scope`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOAuthError, jsonBody } from '../helpers/expect-oauth.js';
import { APPS, T0, USERS, getWithToken, jwtBearerToken, startHarness, updateUser, type Harness, type Response } from '../helpers/keygate-harness.js';
import { b64url, compactJws } from '../helpers/keys.js';

const USERINFO = '/services/oauth2/userinfo';
const DATA = '/services/data';

let h: Harness;
let identityPath: string;
beforeAll(async () => {
  h = await startHarness();
  identityPath = `/id/${await h.orgId()}/${await h.userId(USERS.integration)}`;
});
afterAll(async () => {
  await h?.close();
});

const resources = () => [USERINFO, identityPath, DATA];

function expectNoTokenChallenge(response: Response): void {
  expect(response.statusCode, response.body).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer realm="keygate"');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers.pragma).toBe('no-cache');
  expect(response.json()).toStrictEqual({ error: 'invalid_request', error_description: 'a bearer token is required' });
}

function expectInvalidToken(response: Response, description: string): void {
  expectOAuthError(response, 401, 'invalid_token', description, {
    wwwAuthenticate: `Bearer realm="keygate", error="invalid_token", error_description="${description}"`,
  });
}

describe('RFC 6750 §2.1 and §3: presenting the token', () => {
  it('RFC 6750 §3: a request without a token is 401 with a bare Bearer challenge', async () => {
    for (const path of resources()) expectNoTokenChallenge(await getWithToken(h, path));
  });

  it('RFC 6750 §2.1: a valid token in the Authorization header is served at each resource', async () => {
    const token = await jwtBearerToken(h);
    for (const path of resources()) {
      const response = await getWithToken(h, path, token);
      expect(response.statusCode, `${path} ${response.body}`).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('OpenID Connect Core §5.3: userinfo describes the token\'s user', async () => {
    const body = jsonBody(await getWithToken(h, USERINFO, await jwtBearerToken(h)));
    expect(body).toMatchObject({ sub: await h.userId(USERS.integration), preferred_username: USERS.integration, organization_id: await h.orgId() });
  });

  it('Salesforce identity URL: describes the token\'s user at the id returned by the token endpoint', async () => {
    const response = await h.grant(h.assertion());
    const { id, access_token } = jsonBody(response) as { id: string; access_token: string };
    const body = jsonBody(await getWithToken(h, new URL(id).pathname, access_token));
    expect(body).toMatchObject({ id, username: USERS.integration, user_id: await h.userId(USERS.integration), organization_id: await h.orgId() });
  });

  it('RFC 7235 §2.1: the auth scheme is case-insensitive', async () => {
    expect((await getWithToken(h, USERINFO, await jwtBearerToken(h), { scheme: 'bearer' })).statusCode).toBe(200);
  });

  it('RFC 6750 §2.3: a token in the query (access_token) is not accepted', async () => {
    const token = await jwtBearerToken(h);
    for (const path of resources()) expectNoTokenChallenge(await getWithToken(h, `${path}?access_token=${encodeURIComponent(token)}`));
  });

  it('RFC 6750 §2.3: oauth_token in the query is accepted only at the identity URL', async () => {
    const token = await jwtBearerToken(h);
    expect((await getWithToken(h, `${identityPath}?oauth_token=${encodeURIComponent(token)}`)).statusCode).toBe(200);
    expectNoTokenChallenge(await getWithToken(h, `${USERINFO}?oauth_token=${encodeURIComponent(token)}`));
    expectNoTokenChallenge(await getWithToken(h, `${DATA}?oauth_token=${encodeURIComponent(token)}`));
  });

  it('RFC 6750 §2.2: a token in a form body is not accepted at userinfo', async () => {
    const token = await jwtBearerToken(h);
    expectNoTokenChallenge(await h.postForm(USERINFO, { access_token: token }));
  });

  it('RFC 6750 §3: another auth scheme carries no bearer token: 401 with a bare Bearer challenge', async () => {
    for (const path of resources()) expectNoTokenChallenge(await getWithToken(h, path, 'dXNlcjpwYXNz', { scheme: 'Basic' }));
  });

  it('RFC 6750 §3.1: a token with characters outside b64token is invalid_token', async () => {
    expectInvalidToken(await getWithToken(h, USERINFO, 'not a token'), 'the Authorization header is not a bearer token');
  });

  it('RFC 6750 §3.1: a Bearer header with no token is a malformed request: 400 invalid_request', async () => {
    for (const path of resources()) {
      const response = await getWithToken(h, path, '');
      expectOAuthError(response, 400, 'invalid_request', 'the Authorization header carries no token', {
        wwwAuthenticate: 'Bearer realm="keygate", error="invalid_request", error_description="the Authorization header carries no token"',
      });
    }
  });

  it('RFC 6750 §2: two different tokens in the header and the query are 400 invalid_request, whichever is valid', async () => {
    const token = await jwtBearerToken(h);
    for (const [header, query] of [[token, 'garbage'], ['garbage', token]]) {
      const response = await getWithToken(h, `${identityPath}?oauth_token=${encodeURIComponent(query!)}`, header);
      expectOAuthError(response, 400, 'invalid_request', 'two different access tokens were sent', {
        wwwAuthenticate: 'Bearer realm="keygate", error="invalid_request", error_description="two different access tokens were sent"',
      });
    }
  });

  it('Salesforce identity URL: the same token in the header and in oauth_token, as jsforce sends it, is one credential', async () => {
    const token = await jwtBearerToken(h);
    expect((await getWithToken(h, `${identityPath}?oauth_token=${encodeURIComponent(token)}`, token)).statusCode).toBe(200);
  });

  it('Salesforce identity URL: a token of another user is refused there', async () => {
    const token = await jwtBearerToken(h, { claims: { sub: USERS.permset } });
    expectInvalidToken(await getWithToken(h, identityPath, token), 'the access token does not belong to this identity');
  });
});

describe('RFC 6750 §3.1: invalid_token', () => {
  it('RFC 6750 §3.1: an expired token (frozen clock advanced past exp) is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    h.clock.advance(3599);
    try {
      expect((await getWithToken(h, USERINFO, token)).statusCode).toBe(200);
      h.clock.advance(1);
      for (const path of resources()) expectInvalidToken(await getWithToken(h, path, token), 'the access token has expired');
    } finally {
      h.clock.set(T0);
    }
  });

  it('RFC 6750 §3.1: an expired opaque token is invalid_token', async () => {
    const token = await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.opaque } });
    h.clock.advance(3600);
    try {
      expectInvalidToken(await getWithToken(h, USERINFO, token), 'the access token has expired');
    } finally {
      h.clock.set(T0);
    }
  });

  it('RFC 6750 §3.1: a token whose payload was changed (scope widened) is invalid_token', async () => {
    const token = await jwtBearerToken(h, {}, { scope: 'openid' });
    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const widened = `${head}.${b64url(JSON.stringify({ ...claims, scope: 'api full admin' }))}.${signature}`;
    for (const path of resources()) expectInvalidToken(await getWithToken(h, path, widened), 'the access token is invalid');
  });

  it('RFC 6750 §3.1: a token with a changed signature is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    expectInvalidToken(await getWithToken(h, USERINFO, `${token.slice(0, -2)}${last}${token.at(-1)}`), 'the access token is invalid');
  });

  it('RFC 6750 §3.1: a token signed by another key with the server\'s kid is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    const [head, payload] = token.split('.');
    const header = JSON.parse(Buffer.from(head!, 'base64url').toString()) as Record<string, unknown>;
    const forged = compactJws({ alg: 'ES256', header, payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>, key: h.keys.attacker.privateKey });
    expectInvalidToken(await getWithToken(h, USERINFO, forged), 'the access token is invalid');
  });

  it('RFC 6750 §3.1: a revoked token is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    expect((await h.postForm('/services/oauth2/revoke', { token })).statusCode).toBe(200);
    for (const path of resources()) expectInvalidToken(await getWithToken(h, path, token), 'the access token has been revoked');
  });

  it('RFC 6750 §3.1: an unknown opaque token is invalid_token', async () => {
    expectInvalidToken(await getWithToken(h, USERINFO, `${await h.orgId()}!unknownTokenValue`), 'the access token is invalid');
  });

  it('RFC 9068 §4: a JWT that is not typed at+jwt (the grant assertion itself) is invalid_token', async () => {
    expectInvalidToken(await getWithToken(h, USERINFO, h.assertion()), 'the access token is invalid');
  });

  it('RFC 9068 §4: an access token re-typed as JWT is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    const [head, payload, signature] = token.split('.');
    const header = JSON.parse(Buffer.from(head!, 'base64url').toString()) as Record<string, unknown>;
    expectInvalidToken(await getWithToken(h, USERINFO, `${b64url(JSON.stringify({ ...header, typ: 'JWT' }))}.${payload}.${signature}`), 'the access token is invalid');
  });

  it('RFC 8725 §3.1: an access token with alg none is invalid_token', async () => {
    const token = await jwtBearerToken(h);
    const [, payload] = token.split('.');
    expectInvalidToken(await getWithToken(h, USERINFO, `${b64url('{"alg":"none","typ":"at+jwt"}')}.${payload}.c2ln`), 'the access token is invalid');
  });

  it('rules, resources: a token whose user was deactivated since is invalid_token', async () => {
    const token = await jwtBearerToken(h, { claims: { sub: USERS.svc } });
    await updateUser(h, USERS.svc, { active: false });
    try {
      expectInvalidToken(await getWithToken(h, USERINFO, token), 'the access token is invalid');
    } finally {
      await updateUser(h, USERS.svc, { active: true });
    }
    expect((await getWithToken(h, USERINFO, token)).statusCode).toBe(200);
  });

  it('issue 2, resources: the app\'s IP policy applies to the token\'s use', async () => {
    const token = await jwtBearerToken(h, { key: h.keys.ec, claims: { iss: APPS.ip } }, {}, { remoteAddress: '192.0.2.10' });
    expect((await getWithToken(h, USERINFO, token, { remoteAddress: '192.0.2.11' })).statusCode).toBe(200);
    expectInvalidToken(await getWithToken(h, USERINFO, token, { remoteAddress: '198.51.100.7' }), 'ip restricted');
  });
});

describe('RFC 6750 §3.1: insufficient_scope', () => {
  it('rules, resources: /services/data needs the api scope', async () => {
    const token = await jwtBearerToken(h, {}, { scope: 'openid' });
    expectOAuthError(await getWithToken(h, DATA, token), 403, 'insufficient_scope', 'the api scope is required', {
      wwwAuthenticate: 'Bearer realm="keygate", error="insufficient_scope", error_description="the api scope is required"',
    });
    expect((await getWithToken(h, USERINFO, token)).statusCode).toBe(200);
  });

  it('rules, resources: /services/data lists the API versions for a token with the api scope', async () => {
    const response = await getWithToken(h, DATA, await jwtBearerToken(h, {}, { scope: 'api' }));
    expect(response.statusCode).toBe(200);
    const versions = JSON.parse(response.body) as { version: string; url: string; label: string }[];
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(v.url).toBe(`/services/data/v${v.version}`);
  });
});

describe('rules, resources: suspending a user ends the tokens issued before it, for good', () => {
  // A harness of its own: the cut-off stays on the user, and the clock moves on.
  let own: Harness;
  beforeAll(async () => {
    own = await startHarness();
  });
  afterAll(async () => {
    await own?.close();
  });

  it.each([
    ['deactivated', { active: false }, { active: true }],
    ['locked', { locked: true }, { locked: false }],
  ] as const)('a token whose user was %s stays invalid_token once the user is back; a new token works', async (_label, suspend, restore) => {
    const token = await jwtBearerToken(own, { claims: { sub: USERS.svc } });
    expect((await getWithToken(own, USERINFO, token)).statusCode).toBe(200);
    own.clock.advance(1);
    await updateUser(own, USERS.svc, suspend);
    await updateUser(own, USERS.svc, restore);
    expectInvalidToken(await getWithToken(own, USERINFO, token), 'the access token is invalid');
    const fresh = await jwtBearerToken(own, { claims: { sub: USERS.svc } });
    expect((await getWithToken(own, USERINFO, fresh)).statusCode).toBe(200);
  });
});
