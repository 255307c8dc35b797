/**
 * The token endpoint's answers: the success body of RFC 6749 §5.1 with Salesforce's extra
 * fields, and the error body of §5.2.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
import { OAuthError, UnexpectedResponseError } from './errors.js';

/**
 * A successful token response, as sent by Salesforce and Keygate:
 * `{ access_token, token_type: "Bearer", scope, instance_url, id, issued_at, expires_in }`.
 * Only `access_token` and `token_type` are required by RFC 6749; Salesforce sends no
 * `expires_in` for the JWT Bearer flow (the session timeout decides), Keygate does. Other
 * members are kept as received.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  readonly access_token: string;
  /** `Bearer`. */
  readonly token_type: string;
  /** Space-separated granted scopes. */
  readonly scope?: string;
  /** Base URL for API calls (Salesforce: the org's instance or My Domain). */
  readonly instance_url?: string;
  /** Identity URL `{base}/id/{orgId}/{userId}`; the last two segments are the org and user ids. */
  readonly id?: string;
  /** Issue time in milliseconds since the epoch, as a decimal string. */
  readonly issued_at?: string;
  /** Seconds until the access token expires. */
  readonly expires_in?: number;
  readonly [member: string]: unknown;
}

type JsonObject = Record<string, unknown>;

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a 2xx body; throws {@link UnexpectedResponseError} when it is not a token response. */
export function parseTokenResponse(status: number, text: string): TokenResponse {
  const body = parseJsonObject(text);
  if (body === undefined) throw new UnexpectedResponseError(status, 'body is not a JSON object');
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new UnexpectedResponseError(status, 'no access_token in the response');
  }
  if (typeof body.token_type !== 'string' || body.token_type === '') {
    throw new UnexpectedResponseError(status, 'no token_type in the response');
  }
  const expiresIn = body.expires_in;
  if (expiresIn === undefined) return body as TokenResponse;
  // Some servers send expires_in as a numeric string; accept it and hand back a number.
  const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UnexpectedResponseError(status, 'expires_in is not a non-negative number');
  }
  return { ...body, expires_in: seconds } as TokenResponse;
}

/** Reads an RFC 6749 §5.2 error body, or `undefined` when the body is not one. */
export function parseOAuthError(status: number, text: string, retryAfterMs?: number): OAuthError | undefined {
  const body = parseJsonObject(text);
  if (body === undefined || typeof body.error !== 'string' || body.error === '') return undefined;
  return new OAuthError({
    status,
    error: body.error,
    ...(typeof body.error_description === 'string' ? { error_description: body.error_description } : {}),
    ...(typeof body.error_uri === 'string' ? { error_uri: body.error_uri } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
