/**
 * RFC 6749 §3.2 (token endpoint), §3.3 (scope), §5.1 (successful response) and §5.2 (error
 * response) as the rules' "Request" and "Success response" sections apply them to the JWT
 * Bearer grant (RFC 7521 §4.1): POST only, a form body only, no repeated parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFreshAssertionStillWorks, expectGrantRefused, expectLoginFailure, expectOAuthError, expectTokenResponse, jsonBody } from '../helpers/expect-oauth.js';
import { BASE_URL, JWT_BEARER, T0, TOKEN_PATH, USERS, startHarness, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('RFC 6749 §5.1: the successful response', () => {
  it('RFC 6749 §5.1: answers the Salesforce-compatible token response with no-store headers', async () => {
    const response = await h.grant(h.assertion());
    const body = expectTokenResponse(response, { scope: 'api openid refresh_token', expiresIn: 3600 });
    const orgId = await h.orgId();
    const userId = await h.userId(USERS.integration);
    expect(Object.keys(body).sort()).toStrictEqual(['access_token', 'expires_in', 'id', 'instance_url', 'issued_at', 'scope', 'token_type']);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      instance_url: BASE_URL,
      id: `${BASE_URL}/id/${orgId}/${userId}`,
      issued_at: String(T0.getTime()),
    });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(await h.lastLogin()).toMatchObject({ outcome: 'success', reason: 'ok', errorCode: null, grant: 'jwt-bearer', credential: 'assertion', username: USERS.integration, userId, scope: body.scope });
  });

  it('RFC 7521 §4.1: the /oauth2/token alias behaves like /services/oauth2/token', async () => {
    expectTokenResponse(await h.postForm('/oauth2/token', { grant_type: JWT_BEARER, assertion: h.assertion() }));
    expectOAuthError(await h.postForm('/oauth2/token', { grant_type: JWT_BEARER, assertion: 'x.y.z' }), 400, 'invalid_grant', 'invalid assertion');
  });

  it('RFC 7521 §4.1: no client authentication is needed; the app is the assertion\'s iss', async () => {
    expectTokenResponse(await h.grant(h.assertion()));
    // Credentials that are sent are checked, never ignored (client authentication suite).
    expectOAuthError(await h.grant(h.assertion(), { client_id: 'some-other-app', client_secret: 'wrong' }), 401, 'invalid_client', 'client authentication failed');
  });

  it('RFC 6749 §3.2: unknown parameters are ignored', async () => {
    expectTokenResponse(await h.grant(h.assertion(), { foo: 'bar', redirect_uri: 'https://evil.example', format: 'json' }));
  });

  it('RFC 6749 §5.1: a session timeout on the app sets expires_in', async () => {
    const app = await h.services.apps.get({ consumerKey: 'ec-app' });
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: 'ec-app' } })), { expiresIn: app.policies.sessionTimeoutMinutes * 60 });
  });
});

describe('RFC 6749 §3.3: scope', () => {
  it('RFC 6749 §3.3: without scope, the app\'s scopes are granted', async () => {
    expectTokenResponse(await h.grant(h.assertion()), { scope: 'api openid refresh_token' });
  });

  it('RFC 6749 §3.3: scope narrows the granted scopes', async () => {
    expectTokenResponse(await h.grant(h.assertion(), { scope: 'api' }), { scope: 'api' });
    expectTokenResponse(await h.grant(h.assertion(), { scope: 'openid api' }), { scope: 'openid api' });
  });

  it('RFC 6749 §3.3: a repeated scope token is granted once', async () => {
    expectTokenResponse(await h.grant(h.assertion(), { scope: 'api api' }), { scope: 'api' });
  });

  it('RFC 6749 §5.2: a scope outside the app\'s scopes is invalid_scope', async () => {
    const response = await h.grant(h.assertion(), { scope: 'api admin' });
    await expectGrantRefused(h, response, 'invalid_scope', 'the requested scope exceeds the scopes granted to this app', 'scope_not_granted');
  });

  it('RFC 6749 §5.2: a scope made only of spaces is invalid_scope', async () => {
    const response = await h.grant(h.assertion(), { scope: '   ' });
    await expectGrantRefused(h, response, 'invalid_scope', 'the requested scope is invalid', 'scope_malformed');
  });

  it('RFC 6749 §3.1: an empty scope parameter counts as absent', async () => {
    expectTokenResponse(await h.grant(h.assertion(), { scope: '' }), { scope: 'api openid refresh_token' });
  });
});

describe('RFC 6749 §3.2 and §5.2: malformed requests are invalid_request', () => {
  it('RFC 6749 §3.1: a repeated assertion parameter is invalid_request', async () => {
    const a = h.assertion();
    const response = await h.token(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${a}&assertion=${a}`);
    expectOAuthError(response, 400, 'invalid_request', 'parameter assertion was given more than once');
    await expectLoginFailure(h, 'invalid_request', 'duplicate_parameter');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.1: a repeated grant_type parameter is invalid_request', async () => {
    const response = await h.token(`grant_type=${encodeURIComponent(JWT_BEARER)}&grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${h.assertion()}`);
    expectOAuthError(response, 400, 'invalid_request', 'parameter grant_type was given more than once');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.1: a repeated scope parameter is invalid_request, even with one empty value', async () => {
    const response = await h.token(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${h.assertion()}&scope=&scope=api`);
    expectOAuthError(response, 400, 'invalid_request', 'parameter scope was given more than once');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.1: a repeated parameter with an odd name is reported without echoing the name', async () => {
    const response = await h.token(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${h.assertion()}&X<y>=1&X<y>=2`);
    expectOAuthError(response, 400, 'invalid_request', 'parameter (unnamed) was given more than once');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a JSON body is invalid_request', async () => {
    const response = await h.token(JSON.stringify({ grant_type: JWT_BEARER, assertion: h.assertion() }), { contentType: 'application/json' });
    expectOAuthError(response, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    await expectLoginFailure(h, 'invalid_request', 'content_type_not_form');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a JSON body that does not parse is refused by the endpoint like any JSON body, and recorded', async () => {
    // Broken syntax, and a member Fastify's JSON parser refuses: neither may bypass the endpoint.
    for (const body of ['{"grant_type":', '{"__proto__":{"grant_type":"x"}}']) {
      const before = (await h.recentLogins(1000)).length;
      const response = await h.token(body, { contentType: 'application/json' });
      expectOAuthError(response, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
      expect((await h.recentLogins(1000)).length).toBe(before + 1);
      await expectLoginFailure(h, 'invalid_request', 'content_type_not_form');
    }
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a form body labelled text/plain is invalid_request', async () => {
    const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion: h.assertion() }).toString();
    expectOAuthError(await h.token(form, { contentType: 'text/plain' }), 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a multipart body is invalid_request', async () => {
    const body = `--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\n${JWT_BEARER}\r\n--b--\r\n`;
    expectOAuthError(await h.token(body, { contentType: 'multipart/form-data; boundary=b' }), 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a body without a content type is invalid_request', async () => {
    const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion: h.assertion() }).toString();
    expectOAuthError(await h.token(form, { contentType: null }), 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: the form content type with a charset parameter, in any case, is accepted', async () => {
    expectTokenResponse(await h.grant(h.assertion(), {}, { contentType: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' }));
  });

  it('RFC 6749 §3.2: GET is invalid_request, with the parameters in the query', async () => {
    const query = new URLSearchParams({ grant_type: JWT_BEARER, assertion: h.assertion() }).toString();
    const response = await h.token('', { method: 'GET', path: `${TOKEN_PATH}?${query}`, contentType: null });
    expectOAuthError(response, 400, 'invalid_request', 'the token endpoint accepts POST only');
    await expectLoginFailure(h, 'invalid_request', 'method_not_post');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §5.2: a path under the OAuth endpoints that does not percent-decode is invalid_request', async () => {
    const response = await h.token({ grant_type: JWT_BEARER, assertion: h.assertion() }, { path: `${TOKEN_PATH}/%ZZ` });
    expectOAuthError(response, 400, 'invalid_request', 'the request URL is malformed');
    await expectFreshAssertionStillWorks(h);
  });

  for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
    it(`RFC 6749 §3.2: ${method} is invalid_request`, async () => {
      const response = await h.token({ grant_type: JWT_BEARER, assertion: h.assertion() }, { method });
      expectOAuthError(response, 400, 'invalid_request', 'the token endpoint accepts POST only');
      await expectFreshAssertionStillWorks(h);
    });
  }

  it.each([TOKEN_PATH, '/oauth2/token'])('RFC 6749 §3.2: OPTIONS at %s is invalid_request, not a missing route', async (path) => {
    const response = await h.app.inject({ method: 'OPTIONS', url: path, remoteAddress: '127.0.0.1' });
    expectOAuthError(response, 400, 'invalid_request', 'the token endpoint accepts POST only');
    await expectLoginFailure(h, 'invalid_request', 'method_not_post');
  });

  it('RFC 6749 §3.2: HEAD is invalid_request, with the error headers and no body', async () => {
    const response = await h.app.inject({ method: 'HEAD', url: TOKEN_PATH, remoteAddress: '127.0.0.1' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body).toBe('');
    await expectLoginFailure(h, 'invalid_request', 'method_not_post');
  });

  it('RFC 6749 §3.2: an oversized body (over 16 KiB) is invalid_request, and no token is issued', async () => {
    const response = await h.grant(h.assertion(), { padding: 'x'.repeat(20_000) });
    expectOAuthError(response, 400, 'invalid_request', 'the request body is too large');
    await expectLoginFailure(h, 'invalid_request', 'body_too_large');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.2: a body over the HTTP limit (64 KiB) is refused before it is read, and no token is issued', async () => {
    const response = await h.grant(h.assertion(), { padding: 'x'.repeat(70_000) });
    expectOAuthError(response, 400, 'invalid_request', 'the request body is too large');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §4.1.3: a missing grant_type is invalid_request', async () => {
    const response = await h.token({ assertion: h.assertion() });
    expectOAuthError(response, 400, 'invalid_request', 'grant_type is required');
    await expectLoginFailure(h, 'invalid_request', 'grant_type_missing');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §3.1: an empty grant_type counts as missing', async () => {
    expectOAuthError(await h.token({ grant_type: '', assertion: h.assertion() }), 400, 'invalid_request', 'grant_type is required');
    await expectFreshAssertionStillWorks(h);
  });

  it('rules, Request: a missing assertion is invalid_request', async () => {
    const response = await h.token({ grant_type: JWT_BEARER });
    expectOAuthError(response, 400, 'invalid_request', 'assertion is required');
    await expectLoginFailure(h, 'invalid_request', 'assertion_missing', { grant: 'jwt-bearer' });
    await expectFreshAssertionStillWorks(h);
  });

  it('rules, Request: an empty assertion counts as missing', async () => {
    expectOAuthError(await h.token({ grant_type: JWT_BEARER, assertion: '' }), 400, 'invalid_request', 'assertion is required');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §5.2: an unknown grant_type is unsupported_grant_type', async () => {
    const response = await h.token({ grant_type: 'authorization_code', code: 'abc' });
    expectOAuthError(response, 400, 'unsupported_grant_type', 'grant type not supported');
    await expectLoginFailure(h, 'unsupported_grant_type', 'grant_type_unsupported');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §5.2: grant_type matching is exact (no case folding)', async () => {
    expectOAuthError(await h.token({ grant_type: JWT_BEARER.toUpperCase(), assertion: h.assertion() }), 400, 'unsupported_grant_type', 'grant type not supported');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §5.2: the SAML 2.0 bearer grant is not supported', async () => {
    const response = await h.token({ grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', assertion: 'PHNhbWw+' });
    expectOAuthError(response, 400, 'unsupported_grant_type', 'grant type not supported');
    await expectFreshAssertionStillWorks(h);
  });

  it('RFC 6749 §5.2: error bodies carry only error and error_description', async () => {
    const body = jsonBody(await h.grant('garbage'));
    expect(Object.keys(body).sort()).toStrictEqual(['error', 'error_description']);
  });
});
