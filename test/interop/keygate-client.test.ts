/**
 * Keygate's own client library against a Keygate server started here: the JWT Bearer grant end
 * to end, token caching and renewal on a shared frozen clock, the 401 renew-once of the fetch
 * wrapper after a revocation, and typed errors from the real error catalogue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FetchFunction,
  OAuthError,
  createAuthorizedFetch,
  createJwtBearerClient,
} from '../../src/client/index.js';
import { parseConfig } from '../../src/config/load.js';
import { type RunningKeygate, buildKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';

const BASE_URL = 'https://keygate.test';
const CLIENT_ID = 'erp-integration-key';
const USERNAME = 'integration@example.com';

describe('interop: keygate/client against a Keygate server', () => {
  const clock = new FixedClock(Date.now());
  let server: RunningKeygate;
  let dataDir: string;
  let privateKeyPem: string;
  /** Token endpoint calls made by the client, counted through its injected fetch. */
  let tokenRequests = 0;
  const countingFetch: FetchFunction = (input, init) => {
    if (String(input).endsWith('/services/oauth2/token')) tokenRequests += 1;
    return fetch(input, init);
  };

  beforeAll(async () => {
    const generated = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30, notBefore: new Date(clock.now().getTime() - 60_000) });
    privateKeyPem = generated.privateKeyPem;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-interop-client-'));
    const config = parseConfig(
      JSON.stringify({
        org: { baseUrl: BASE_URL },
        users: [{ username: USERNAME, profile: 'Integration' }],
        apps: [
          {
            name: 'erp',
            consumerKey: CLIENT_ID,
            certificates: [{ pem: generated.certificatePem }],
            flows: { jwtBearer: true },
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
      { baseDir: dataDir, env: {} },
    );
    server = await buildKeygate({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      log: createLogger({ level: 'silent' }),
      clock,
      config,
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function client(overrides: { username?: string; clientId?: string } = {}) {
    return createJwtBearerClient({
      tokenUrl: `${server.url}/services/oauth2/token`,
      audience: BASE_URL,
      clientId: overrides.clientId ?? CLIENT_ID,
      username: overrides.username ?? USERNAME,
      key: privateKeyPem,
      clock,
      fetch: countingFetch,
    });
  }

  it('RFC 7523 §2.1: gets a Salesforce-shaped token, caches it, and renews it before expiry', async () => {
    tokenRequests = 0;
    const c = client();
    const first = await c.getToken();
    expect(first).toMatchObject({
      access_token: expect.any(String),
      token_type: 'Bearer',
      instance_url: BASE_URL,
      id: expect.stringMatching(new RegExp(`^${BASE_URL}/id/[^/]+/[^/]+$`)),
      issued_at: expect.stringMatching(/^\d+$/),
      expires_in: expect.any(Number),
    });
    const lifetime = first.expires_in ?? 0;
    expect(lifetime).toBeGreaterThan(120);

    expect(await c.getToken()).toBe(first);
    expect(await Promise.all([c.getToken(), c.getToken()])).toEqual([first, first]);
    expect(tokenRequests).toBe(1);

    clock.advance(lifetime - 59); // inside the 60 s renewal margin
    const renewed = await c.getToken();
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(tokenRequests).toBe(2);
  });

  it('RFC 6750 §3.1: the fetch wrapper renews once after the token is revoked, then succeeds', async () => {
    tokenRequests = 0;
    const c = client();
    const api = createAuthorizedFetch(c, { fetch: countingFetch });
    const userinfo = `${server.url}/services/oauth2/userinfo`;
    expect((await api(userinfo)).status).toBe(200);
    const { access_token } = await c.getToken();

    // Revoke the cached token (RFC 7009; a token may revoke itself without client authentication).
    const revoked = await fetch(`${server.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: access_token }).toString(),
    });
    expect(revoked.status).toBe(200);
    const refused = await fetch(userinfo, { headers: { authorization: `Bearer ${access_token}` } });
    expect(refused.status).toBe(401);

    const response = await api(userinfo);
    expect(response.status).toBe(200);
    expect((await c.getToken()).access_token).not.toBe(access_token);
    expect(tokenRequests).toBe(2);
  });

  it('RFC 6749 §5.2: raises OAuthError with the catalogue codes, without retrying', async () => {
    tokenRequests = 0;
    await expect(client({ username: 'nobody@example.com' }).getToken()).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      error_description: 'invalid user',
    });
    const unknownClient = await client({ clientId: 'no-such-app' }).getToken().catch((e: unknown) => e);
    expect(unknownClient).toBeInstanceOf(OAuthError);
    expect(unknownClient).toMatchObject({ status: 400, error: 'invalid_client_id', error_description: 'client identifier invalid' });
    expect(tokenRequests).toBe(2);
  });
});
