/**
 * Assertions on whole wire responses (STYLE.md rule 10): status, body, and the headers
 * RFC 6749 §5.1/§5.2 and RFC 6750 §3 require.
 */
import { expect } from 'vitest';
import type { LoginEvent } from '../../src/domain/login-event.js';
import type { AssertionOptions, Harness, PostOptions, Response } from './keygate-harness.js';

export interface ErrorExpectations {
  /**
   * Expected `WWW-Authenticate`: a string (exact), a RegExp, or `null` for "absent".
   * Default: absent for 400 responses, not checked otherwise.
   */
  readonly wwwAuthenticate?: string | RegExp | null;
}

/** Parses a JSON body, failing the test with the text when it is not JSON. */
export function jsonBody(response: Response): Record<string, unknown> {
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new Error(`response body is not JSON: ${response.body.slice(0, 200)}`);
  }
}

/**
 * An RFC 6749 §5.2 error: the status, exactly `{error, error_description}` as JSON,
 * `Cache-Control: no-store`, `Pragma: no-cache`, and no token anywhere in the body.
 */
export function expectOAuthError(response: Response, status: number, error: string, description: string, options: ErrorExpectations = {}): void {
  const context = `${response.statusCode} ${response.body}`;
  expect(response.statusCode, context).toBe(status);
  expect(response.headers['content-type'], context).toMatch(/^application\/json(;|$)/);
  expect(response.headers['cache-control'], context).toBe('no-store');
  expect(response.headers['pragma'], context).toBe('no-cache');
  expect(jsonBody(response), context).toStrictEqual({ error, error_description: description });
  expect(response.body).not.toContain('access_token');
  expect(description).not.toMatch(/[\r\n\t]/);
  const challenge = response.headers['www-authenticate'];
  const wanted = options.wwwAuthenticate === undefined ? (status === 400 ? null : undefined) : options.wwwAuthenticate;
  if (wanted === null) expect(challenge, context).toBeUndefined();
  else if (typeof wanted === 'string') expect(challenge, context).toBe(wanted);
  else if (wanted instanceof RegExp) expect(challenge, context).toMatch(wanted);
}

/** The Salesforce-compatible success body (rules, "Success response"), with RFC 6749 §5.1 headers. */
export function expectTokenResponse(response: Response, expected: { scope?: string; expiresIn?: number } = {}): Record<string, unknown> {
  const context = `${response.statusCode} ${response.body}`;
  expect(response.statusCode, context).toBe(200);
  expect(response.headers['content-type'], context).toMatch(/^application\/json(;|$)/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['pragma']).toBe('no-cache');
  const body = jsonBody(response);
  expect(body).toMatchObject({
    access_token: expect.any(String),
    token_type: 'Bearer',
    scope: expected.scope ?? expect.any(String),
    instance_url: expect.any(String),
    id: expect.any(String),
    issued_at: expect.stringMatching(/^\d+$/),
    expires_in: expected.expiresIn ?? expect.any(Number),
  });
  expect(body).not.toHaveProperty('refresh_token');
  return body;
}

/** The newest login-history row is a failure with this public code and internal reason. */
export async function expectLoginFailure(h: Harness, errorCode: string, reason: string, more: Partial<LoginEvent> = {}): Promise<LoginEvent> {
  const row = await h.lastLogin();
  expect(row).toMatchObject({ outcome: 'failure', errorCode, reason, ...more });
  return row;
}

/**
 * Proves that a refusal left nothing broken behind it: a fresh, valid assertion (new `jti`)
 * for the same app still gets a token.
 */
export async function expectFreshAssertionStillWorks(
  h: Harness,
  options: AssertionOptions = {},
  post: PostOptions = {},
): Promise<Record<string, unknown>> {
  const response = await h.grant(h.assertion(options), {}, post);
  return expectTokenResponse(response);
}

/**
 * The full negative check of the issue: the wire error, the login-history row with its
 * internal reason (when given), and a fresh valid assertion afterwards.
 */
export async function expectGrantRefused(
  h: Harness,
  response: Response,
  error: string,
  description: string,
  reason?: string,
  fresh: { options?: AssertionOptions; post?: PostOptions } = {},
): Promise<void> {
  expectOAuthError(response, 400, error, description);
  if (reason !== undefined) await expectLoginFailure(h, error, reason);
  await expectFreshAssertionStillWorks(h, fresh.options, fresh.post);
}
