import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizedFetch, createJwtBearerClient } from '../../src/client/index.js';
import { type EndpointStub, startEndpointStub } from './token-endpoint-stub.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let tokenEndpoint: EndpointStub;
let api: EndpointStub;
/** Access tokens the resource server accepts; everything else gets 401. */
let accepted: Set<string>;
/** When set, the resource server refuses every token, even fresh ones. */
let refuseAll: boolean;

beforeEach(async () => {
  accepted = new Set();
  refuseAll = false;
  let issued = 0;
  tokenEndpoint = await startEndpointStub(() => {
    issued += 1;
    const token = `at-${issued}`;
    accepted.add(token);
    return { status: 200, json: { access_token: token, token_type: 'Bearer', expires_in: 3600 } };
  });
  api = await startEndpointStub((request) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    return accepted.has(token) && !refuseAll
      ? { status: 200, json: { ok: true, body: request.body, custom: request.headers['x-custom'] ?? null } }
      : { status: 401, json: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
  });
});
afterEach(async () => {
  await tokenEndpoint.close();
  await api.close();
});

function setup() {
  const client = createJwtBearerClient({ loginUrl: tokenEndpoint.url, clientId: 'c', username: 'u', key: privateKey });
  return { client, fetch: createAuthorizedFetch(client) };
}

describe('createAuthorizedFetch (RFC 6750 §2.1)', () => {
  it('RFC 6750 §2.1: sends Authorization: Bearer with the cached token and keeps the caller’s headers and body', async () => {
    const { fetch } = setup();
    const response = await fetch(`${api.url}/services/data`, { method: 'POST', headers: { 'x-custom': 'yes' }, body: 'hello' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, body: 'hello', custom: 'yes' });
    await fetch(`${api.url}/services/data`);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1']);
    expect(tokenEndpoint.requests).toHaveLength(1);
  });

  it('RFC 6750 §3.1: on a 401 invalidates the token, renews once and retries once, resending the body', async () => {
    const { fetch } = setup();
    await fetch(`${api.url}/warm-up`);
    accepted.clear(); // the server revokes at-1
    const response = await fetch(new Request(`${api.url}/services/data`, { method: 'POST', body: 'payload' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ body: 'payload' });
    expect(api.requests.slice(1).map((r) => [r.headers.authorization, r.body])).toEqual([
      ['Bearer at-1', 'payload'],
      ['Bearer at-2', 'payload'],
    ]);
    expect(tokenEndpoint.requests).toHaveLength(2);
  });

  it('returns the second 401 as is: one renewal, one retry, no loop', async () => {
    const { fetch } = setup();
    refuseAll = true;
    const response = await fetch(`${api.url}/services/data`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect(api.requests).toHaveLength(2);
    expect(tokenEndpoint.requests).toHaveLength(2);
  });

  it('many concurrent 401s on the same token cause a single renewal', async () => {
    const { fetch } = setup();
    await fetch(`${api.url}/warm-up`);
    accepted.clear();
    const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${api.url}/services/data`)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(tokenEndpoint.requests).toHaveLength(2);
  });

  it('does not resend a streamed body; the first 401 is returned', async () => {
    const { fetch } = setup();
    await fetch(`${api.url}/warm-up`);
    accepted.clear();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('stream'));
        controller.close();
      },
    });
    const response = await fetch(`${api.url}/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(401);
    expect(api.requests).toHaveLength(2);
  });
});
