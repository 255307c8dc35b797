import { generateKeyPairSync } from 'node:crypto';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type JwtBearerClientOptions,
  OAuthError,
  TokenEndpointUnavailableError,
  UnexpectedResponseError,
  createJwtBearerClient,
} from '../../src/client/index.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { type EndpointStub, ManualClock, startEndpointStub, tokenReply } from './token-endpoint-stub.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let stub: EndpointStub;
let clock: ManualClock;
let sleeps: number[];

beforeEach(async () => {
  stub = await startEndpointStub();
  clock = new ManualClock();
  sleeps = [];
});
afterEach(() => stub.close());

function client(overrides: Partial<JwtBearerClientOptions> = {}) {
  return createJwtBearerClient({
    loginUrl: stub.url,
    clientId: 'consumer-key',
    username: 'integration@example.com',
    key: privateKey,
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  } as JwtBearerClientOptions);
}

async function assertionClaims(index: number) {
  const assertion = stub.requests[index]?.form.get('assertion') ?? '';
  return (await jwtVerify(assertion, publicKey, { currentDate: clock.now() })).payload;
}

describe('createJwtBearerClient: the request (RFC 7523 §2.1)', () => {
  it('RFC 7523 §2.1: posts grant_type and a signed assertion to {loginUrl}/services/oauth2/token with aud = loginUrl', async () => {
    const token = await client({ loginUrl: `${stub.url}/`, scope: ['api', 'refresh_token'] }).getToken();
    expect(token).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', instance_url: 'https://keygate.test', expires_in: 3600 });
    const [request] = stub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/oauth2/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...(request?.form.keys() ?? [])].sort()).toEqual(['assertion', 'grant_type', 'scope']);
    expect(request?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(request?.form.get('scope')).toBe('api refresh_token');
    const claims = await assertionClaims(0);
    expect(claims).toMatchObject({ iss: 'consumer-key', sub: 'integration@example.com', aud: stub.url });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(180);
  });

  it('with tokenUrl, posts there and uses it as the default audience; an explicit audience wins', async () => {
    const tokenUrl = `${stub.url}/oauth2/token`;
    await createJwtBearerClient({ tokenUrl, clientId: 'c', username: 'u', key: privateKey, clock }).getToken();
    expect(stub.requests[0]?.path).toBe('/oauth2/token');
    expect((await assertionClaims(0)).aud).toBe(tokenUrl);
    await client({ audience: 'https://login.salesforce.com' }).getToken();
    expect((await assertionClaims(1)).aud).toBe('https://login.salesforce.com');
  });

  it('refuses both or neither of tokenUrl and loginUrl, and a bad key, at construction', () => {
    expect(() => client({ tokenUrl: `${stub.url}/oauth2/token` })).toThrow(/exactly one/);
    expect(() => createJwtBearerClient({ clientId: 'c', username: 'u', key: privateKey } as unknown as JwtBearerClientOptions)).toThrow(
      /exactly one/,
    );
    expect(() => client({ key: 'not a pem' })).toThrow(/private key/);
  });

  it('refuses empty ids and out-of-range timings at construction, before any request, never as an unavailable endpoint', () => {
    const refused: [Partial<JwtBearerClientOptions>, Error][] = [
      [{ clientId: '' }, new TypeError('clientId must be a non-empty string')],
      [{ username: '' }, new TypeError('username must be a non-empty string')],
      [{ lifetimeSeconds: 0 }, new RangeError('lifetimeSeconds must be a positive whole number of seconds')],
      [{ lifetimeSeconds: 1.5 }, new RangeError('lifetimeSeconds must be a positive whole number of seconds')],
      [{ requestTimeoutMs: -1 }, new RangeError('requestTimeoutMs must be a positive number of milliseconds, at most 2147483647')],
      [{ requestTimeoutMs: '5000' as unknown as number }, new RangeError('requestTimeoutMs must be a positive number of milliseconds, at most 2147483647')],
      // Past Node's longest timer, the timeout would fire at once (or throw) on every attempt.
      [{ requestTimeoutMs: 2_147_483_648 }, new RangeError('requestTimeoutMs must be a positive number of milliseconds, at most 2147483647')],
      [{ requestTimeoutMs: 1e300 }, new RangeError('requestTimeoutMs must be a positive number of milliseconds, at most 2147483647')],
      [{ renewBeforeExpirySeconds: -5 }, new RangeError('renewBeforeExpirySeconds must be zero or more seconds')],
      [{ assumedTokenLifetimeSeconds: Number.NaN }, new RangeError('assumedTokenLifetimeSeconds must be a positive number of seconds')],
    ];
    for (const [options, error] of refused) expect(() => client(options), JSON.stringify(options)).toThrow(error);
    expect(stub.requests).toHaveLength(0);
  });

  it('accepts the longest timeout a Node timer keeps, and the request is answered rather than cut off at once', async () => {
    const token = await client({ requestTimeoutMs: 2_147_483_647, retry: { maxAttempts: 1 } }).getToken();
    expect(token.access_token).toBeTypeOf('string');
    expect(stub.requests).toHaveLength(1);
  });
});

describe('createJwtBearerClient: caching and renewal', () => {
  it('returns the cached token until the renewal margin, then renews before expiry', async () => {
    const c = client();
    const first = await c.getToken();
    clock.advance(3600 - 61);
    expect(await c.getToken()).toBe(first);
    expect(stub.requests).toHaveLength(1);
    clock.advance(1); // 60 s before expiry: inside the default margin
    const second = await c.getToken();
    expect(second.access_token).not.toBe(first.access_token);
    expect(stub.requests).toHaveLength(2);
  });

  it('caps the margin at half of a short lifetime', async () => {
    stub.enqueue(tokenReply({ expires_in: 60 }));
    const c = client();
    await c.getToken();
    clock.advance(29);
    await c.getToken();
    expect(stub.requests).toHaveLength(1);
    clock.advance(1);
    await c.getToken();
    expect(stub.requests).toHaveLength(2);
  });

  it('without expires_in (Salesforce), assumes the configured lifetime; a numeric-string expires_in is read as a number', async () => {
    stub.enqueue(tokenReply({ expires_in: undefined }));
    const c = client({ assumedTokenLifetimeSeconds: 300, renewBeforeExpirySeconds: 30 });
    await c.getToken();
    clock.advance(269);
    await c.getToken();
    expect(stub.requests).toHaveLength(1);
    clock.advance(1);
    stub.enqueue(tokenReply({ expires_in: '120' }));
    expect((await c.getToken()).expires_in).toBe(120);
  });

  it('invalidate() forgets the token; invalidate(token) only when that token is the cached one', async () => {
    const c = client();
    const first = await c.getToken();
    c.invalidate('some-other-token');
    expect(await c.getToken()).toBe(first);
    c.invalidate(first.access_token);
    const second = await c.getToken();
    expect(second.access_token).not.toBe(first.access_token);
    c.invalidate();
    expect((await c.getToken()).access_token).not.toBe(second.access_token);
    expect(stub.requests).toHaveLength(3);
  });

  it('collapses concurrent calls into one request (single flight)', async () => {
    stub.enqueue({ ...tokenReply(), delayMs: 50 });
    const c = client();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => c.getToken()));
    expect(stub.requests).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(1);
  });

  it('shares one failure among concurrent callers, and does not cache it', async () => {
    stub.enqueue({ status: 400, json: { error: 'invalid_grant', error_description: 'invalid user' }, delayMs: 20 });
    const c = client();
    const results = await Promise.allSettled([c.getToken(), c.getToken(), c.getToken()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(stub.requests).toHaveLength(1);
    await expect(c.getToken()).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(stub.requests).toHaveLength(2);
  });

  it('keeps serving a still-valid token when renewal finds the endpoint down', async () => {
    const c = client({ retry: { maxAttempts: 2 } });
    const first = await c.getToken();
    clock.advance(3600 - 30);
    stub.enqueue({ status: 503, text: 'down' }, { status: 503, text: 'down' });
    expect(await c.getToken()).toBe(first);
    clock.advance(31);
    stub.enqueue({ status: 503, text: 'down' }, { status: 503, text: 'down' });
    await expect(c.getToken()).rejects.toBeInstanceOf(TokenEndpointUnavailableError);
  });
});

describe('createJwtBearerClient: retries', () => {
  it('retries a 5xx with exponential backoff and jitter, signing a fresh assertion (new jti) each time', async () => {
    stub.enqueue({ status: 500, text: 'oops' }, { status: 502, text: 'bad gateway' });
    const token = await client({ retry: { baseDelayMs: 100, maxDelayMs: 10_000 } }).getToken();
    expect(token.token_type).toBe('Bearer');
    expect(stub.requests).toHaveLength(3);
    // equal jitter with random() = 0.5: 3/4 of the step; steps 100 and 200
    expect(sleeps).toEqual([75, 150]);
    const jtis = await Promise.all([0, 1, 2].map(async (i) => (await assertionClaims(i)).jti));
    expect(new Set(jtis).size).toBe(3);
  });

  it('retries a dropped connection (network error)', async () => {
    stub.enqueue({ drop: true });
    await expect(client().getToken()).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(stub.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('treats a request timeout as a network error', async () => {
    stub.enqueue({ ...tokenReply(), delayMs: 500 });
    await expect(client({ requestTimeoutMs: 100 }).getToken()).resolves.toMatchObject({ token_type: 'Bearer' });
    expect(stub.requests).toHaveLength(2);
  });

  it('caps the backoff at maxDelayMs', async () => {
    stub.enqueue(...Array.from({ length: 5 }, () => ({ status: 503, text: '' })));
    await client({ retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300 } }).getToken();
    expect(sleeps).toEqual([75, 150, 225, 225, 225]);
  });

  it('RFC 9110 §10.2.3: honours Retry-After when it is longer than the backoff', async () => {
    stub.enqueue({ status: 503, text: '', headers: { 'retry-after': '2' } });
    await client().getToken();
    expect(sleeps).toEqual([2000]);
  });

  it('gives up at once when Retry-After exceeds maxRetryAfterMs', async () => {
    stub.enqueue({ status: 503, text: '', headers: { 'retry-after': '120' } });
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 1, status: 503, retryAfterMs: 120_000 });
    expect(sleeps).toEqual([]);
    expect((error as Error).message).toBe(
      'token endpoint unavailable after 1 attempt(s); last: HTTP 503, asking to retry after 120 s, longer than retry.maxRetryAfterMs (30 s)',
    );
  });

  it('raises TokenEndpointUnavailableError after maxAttempts, carrying the last OAuth error as cause', async () => {
    stub.enqueue(
      { status: 500, text: '' },
      { status: 503, json: { error: 'temporarily_unavailable', error_description: 'try later' } },
    );
    const error = await client({ retry: { maxAttempts: 2 } }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 2, status: 503 });
    expect((error as Error).cause).toBeInstanceOf(OAuthError);
    expect((error as Error).cause).toMatchObject({ error: 'temporarily_unavailable' });
    expect(stub.requests).toHaveLength(2);
  });

  it('raises TokenEndpointUnavailableError when nothing listens', async () => {
    const url = stub.url;
    await stub.close();
    const error = await createJwtBearerClient({ loginUrl: url, clientId: 'c', username: 'u', key: privateKey, sleep: async () => {} })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 4, status: undefined });
    expect((error as Error).message).toBe('token endpoint unavailable after 4 attempt(s); last: no response (ECONNREFUSED)');
    stub = await startEndpointStub();
  });

  it('RFC 9110 §4.3.4: a server certificate the client refuses ends the request at the first attempt, without backoff', async () => {
    // Self-signed, so Node's default trust refuses it: the same answer on every retry.
    const tls = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'untrusted-token-endpoint', days: 1 });
    let handshakes = 0;
    let answered = 0;
    const server = createTlsServer({ key: tls.privateKeyPem, cert: tls.certificatePem }, (_req, res) => {
      answered += 1;
      res.end();
    });
    server.on('connection', () => {
      handshakes += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await client({ loginUrl: `https://127.0.0.1:${port}` }).getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
      expect(error).toMatchObject({ attempts: 1, status: undefined, retryAfterMs: undefined });
      expect((error as Error).message).toBe('token endpoint unavailable after 1 attempt(s); last: no response (DEPTH_ZERO_SELF_SIGNED_CERT)');
      expect(sleeps).toEqual([]);
      expect(handshakes).toBe(1);
      expect(answered).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a port that fetch refuses to use ends the request at once, and is named', async () => {
    const error = await client({ loginUrl: 'http://127.0.0.1:6000' }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 1, status: undefined });
    expect((error as Error).message).toBe(
      'token endpoint unavailable after 1 attempt(s); last: no response (fetch refuses this port, one of the Fetch standard\'s "bad ports"; serve on another)',
    );
    expect(sleeps).toEqual([]);
  });

  it('names a timeout as the last failure', async () => {
    stub.enqueue({ ...tokenReply(), delayMs: 500 });
    const error = await client({ requestTimeoutMs: 100, retry: { maxAttempts: 1 } }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointUnavailableError);
    expect((error as Error).message).toBe('token endpoint unavailable after 1 attempt(s); last: no response (timed out after 100 ms)');
  });
});

describe('createJwtBearerClient: errors (RFC 6749 §5.2)', () => {
  it('RFC 6749 §5.2: a 400 becomes OAuthError with error, error_description and status, never retried', async () => {
    stub.enqueue({ status: 400, json: { error: 'invalid_grant', error_description: 'audience is invalid' } });
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'audience is invalid', retryAfterMs: undefined });
    expect(stub.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('RFC 6585 §4: a 429 becomes OAuthError carrying Retry-After in ms, never retried', async () => {
    stub.enqueue({
      status: 429,
      json: { error: 'temporarily_unavailable', error_description: 'too many refused requests from this address, retry later' },
      headers: { 'retry-after': '37' },
    });
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ status: 429, error: 'temporarily_unavailable', retryAfterMs: 37_000 });
    expect(stub.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("Salesforce's invalid_client_id and a 401 invalid_client are OAuthErrors too, not retried", async () => {
    stub.enqueue(
      { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } },
      { status: 401, json: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic' } },
    );
    await expect(client().getToken()).rejects.toMatchObject({ error: 'invalid_client_id' });
    await expect(client().getToken()).rejects.toMatchObject({ status: 401, error: 'invalid_client', error_description: undefined });
    expect(stub.requests).toHaveLength(2);
  });

  it('a 4xx without an OAuth body, a 2xx without access_token, and a redirect are UnexpectedResponseError', async () => {
    stub.enqueue(
      { status: 404, text: '<html>not found</html>' },
      { status: 200, json: { token_type: 'Bearer' } },
      { status: 302, text: '', headers: { location: 'https://elsewhere.test/token' } },
    );
    for (let i = 0; i < 3; i++) await expect(client().getToken()).rejects.toBeInstanceOf(UnexpectedResponseError);
    expect(stub.requests).toHaveLength(3);
  });
});
