/**
 * The admin API driven in-process as the CLI drives it: an access token from Keygate's own token
 * endpoint (a JWT Bearer assertion signed with the admin app's key), then JSON requests that
 * carry it.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { signAssertion } from '../../src/client/index.js';
import { ADMIN_API_PREFIX } from '../../src/http/admin-api/admin-api-routes.js';
import type { RunningKeygate } from '../../src/main.js';
import type { Clock } from '../../src/platform/clock.js';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One admin-API request with `token` as its bearer credential; a body is sent as JSON. */
export function adminRequest(server: RunningKeygate, token: string, method: AdminMethod, path: string, body?: unknown): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method,
    url: `${ADMIN_API_PREFIX}${path}`,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

export interface JwtBearerRequest {
  readonly clientId: string;
  readonly username: string;
  /** The PEM private key of a certificate on the app. */
  readonly key: string;
  readonly audience: string;
  readonly clock: Clock;
  readonly scope?: string;
}

/** POSTs a JWT Bearer grant to the token endpoint; the response as it came. */
export async function requestJwtBearerToken(server: RunningKeygate, request: JwtBearerRequest): Promise<LightMyRequestResponse> {
  const { clientId, username, key, audience, clock, scope } = request;
  const assertion = await signAssertion({ issuer: clientId, subject: username, audience, key, clock });
  return server.app.inject({
    method: 'POST',
    url: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion, ...(scope !== undefined && { scope }) }).toString(),
  });
}

/** The access token a JWT Bearer grant issues; the test fails when none is issued. */
export async function jwtBearerToken(server: RunningKeygate, request: JwtBearerRequest): Promise<string> {
  const res = await requestJwtBearerToken(server, request);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token as string;
}

/** The declared app (keygate.yaml form) that issues admin tokens, as `keygate init` makes it. */
export function adminCliApp(certificatePem: string) {
  return {
    name: 'Admin CLI',
    consumerKey: 'admin-cli',
    scopes: ['admin', 'api'],
    certificates: [{ pem: certificatePem }],
    flows: { jwtBearer: true },
    policies: { profiles: ['System Administrator'] },
  };
}
