/**
 * The closed catalogue of OAuth errors Keygate returns on the wire: one class per RFC 6749
 * §5.2 code, RFC 6750 §3.1's `invalid_token`, and Salesforce's `invalid_client_id` and
 * `invalid_app_access`, which existing integrations match on.
 *
 * Each error carries the public `description` (safe to send: never an assertion, a claim
 * value, a key or a stack) and a precise internal `reason` that only reaches the login
 * history and the log.
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_client_id',
  'invalid_app_access',
  'invalid_token',
  'insufficient_scope',
  'server_error',
  'temporarily_unavailable',
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  /** HTTP status of the response. */
  readonly status: number = 400;

  constructor(
    readonly description: string,
    readonly reason: string,
  ) {
    super(description);
    this.name = new.target.name;
  }
}

/** RFC 6749 §5.2: a missing, repeated or malformed parameter, or a malformed request. */
export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
}

/**
 * RFC 6749 §5.2: client authentication failed. Always 401; the body is the same for an
 * unknown client and a wrong credential so that neither can be told apart.
 */
export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;
  constructor(
    reason: string,
    /**
     * Set when the client tried the Authorization header, with Basic or another scheme: the
     * response then carries `WWW-Authenticate: Basic`, the scheme accepted (RFC 6749 §5.2).
     */
    readonly triedAuthorizationHeader = false,
  ) {
    super('client authentication failed', reason);
  }
}

/** RFC 6749 §5.2: the grant (here, the assertion or the user behind it) is not acceptable. */
export class InvalidGrantError extends OAuthError {
  readonly code = 'invalid_grant';
}

/** RFC 6749 §5.2: the client may not use this grant type. */
export class UnauthorizedClientError extends OAuthError {
  readonly code = 'unauthorized_client';
}

/** RFC 6749 §5.2: the server does not support the grant type. */
export class UnsupportedGrantTypeError extends OAuthError {
  readonly code = 'unsupported_grant_type';
  constructor(reason = 'grant_type_unsupported') {
    super('grant type not supported', reason);
  }
}

/** RFC 6749 §5.2: the scope asked for exceeds what the app was given. */
export class InvalidScopeError extends OAuthError {
  readonly code = 'invalid_scope';
}

/** Salesforce: the assertion's issuer names no known app. */
export class InvalidClientIdError extends OAuthError {
  readonly code = 'invalid_client_id';
  constructor(reason = 'client_unknown') {
    super('client identifier invalid', reason);
  }
}

/** Salesforce: the user is not pre-authorized for an admin-approved app. */
export class InvalidAppAccessError extends OAuthError {
  readonly code = 'invalid_app_access';
  constructor(reason = 'user_not_preauthorized') {
    super('user is not admin approved to access this app', reason);
  }
}

/** RFC 6750 §3.1: the bearer token is expired, revoked, malformed or unknown. */
export class InvalidTokenError extends OAuthError {
  readonly code = 'invalid_token';
  override readonly status = 401;
}

/** RFC 6750 §3.1: the token is valid but lacks the scope the resource needs. */
export class InsufficientScopeError extends OAuthError {
  readonly code = 'insufficient_scope';
  override readonly status = 403;
}

/** RFC 6749 §5.2: a fault inside Keygate; the detail stays in the log. */
export class ServerError extends OAuthError {
  readonly code = 'server_error';
  override readonly status = 500;
  constructor(reason = 'internal_error') {
    super('the server could not complete the request', reason);
  }
}

/** RFC 6749 §5.2: a backing service is unreachable; the client may retry after `retryAfterSeconds`. */
export class TemporarilyUnavailableError extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 503;
  constructor(
    reason: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('the service is temporarily unavailable, retry later', reason);
  }
}

/**
 * RFC 6749 §10.10 and RFC 6585 §4: one client address has had too many requests refused
 * lately. RFC 6749 has no code for it; `temporarily_unavailable` tells the client to come
 * back after `retryAfterSeconds`, and the 429 tells it why.
 */
export class TooManyFailuresError extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many refused requests from this address, retry later', 'too_many_failures');
  }
}

/** The Salesforce-compatible descriptions existing integrations match on. */
export const SALESFORCE_DESCRIPTIONS = {
  invalidAssertion: 'invalid assertion',
  audience: 'audience is invalid',
  expired: 'expired authorization code',
  invalidUser: 'invalid user',
  notApproved: "user hasn't approved this consumer",
  ipRestricted: 'ip restricted',
} as const;

/** `invalid_grant` with Salesforce's "invalid assertion": every pre-signature failure but an unknown issuer. */
export function invalidAssertion(reason: string): InvalidGrantError {
  return new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidAssertion, reason);
}
