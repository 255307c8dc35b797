/**
 * The client library's error family. Every error the library raises on purpose extends
 * {@link KeygateClientError}, so callers can tell "the token endpoint said no"
 * ({@link OAuthError}, RFC 6749 §5.2) from "the token endpoint could not be reached"
 * ({@link TokenEndpointUnavailableError}) and from local mistakes ({@link AssertionSigningError}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */

/** Base class of every error raised by `keygate/client`. */
export class KeygateClientError extends Error {
  override readonly name: string = 'KeygateClientError';
}

/**
 * The token endpoint answered with an RFC 6749 §5.2 error body, for example
 * `{"error":"invalid_grant","error_description":"audience is invalid"}`. Never retried: the same
 * request would fail the same way.
 *
 * The wire fields keep their RFC names so they can be matched exactly as documented by
 * Salesforce and Keygate.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthError extends KeygateClientError {
  override readonly name = 'OAuthError';
  /** The RFC 6749 `error` code, e.g. `invalid_grant`, `invalid_client_id`. */
  readonly error: string;
  /** The human-readable `error_description`, when the server sent one. */
  readonly error_description: string | undefined;
  /** The `error_uri`, when the server sent one. */
  readonly error_uri: string | undefined;
  /** HTTP status of the response (400 or 401 in practice; 429 at Keygate's failure limit). */
  readonly status: number;
  /**
   * How long the server asked the client to wait before its next request (`Retry-After`), in
   * milliseconds; set on a 429, where retrying sooner is refused unseen.
   */
  readonly retryAfterMs: number | undefined;

  constructor(init: { status: number; error: string; error_description?: string; error_uri?: string; retryAfterMs?: number }) {
    super(
      init.error_description === undefined
        ? `token endpoint refused the request: ${init.error}`
        : `token endpoint refused the request: ${init.error} (${init.error_description})`,
    );
    this.status = init.status;
    this.error = init.error;
    this.error_description = init.error_description;
    this.error_uri = init.error_uri;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The token endpoint could not give an answer: every attempt ended in a network error, a
 * timeout or a 5xx, or the server asked (with `Retry-After`) for a longer pause than the client
 * is configured to wait. `cause` holds the last failure: the network error, or an
 * {@link OAuthError} when the 5xx carried an RFC 6749 error body.
 */
export class TokenEndpointUnavailableError extends KeygateClientError {
  override readonly name = 'TokenEndpointUnavailableError';
  /** Requests sent before giving up. */
  readonly attempts: number;
  /** HTTP status of the last response, or `undefined` when the last attempt got no response. */
  readonly status: number | undefined;
  /** The server's last `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param init.detail what went wrong last, in words: the network error's code, a timeout, or a
   * `Retry-After` too long to wait for. Never a request or response body.
   */
  constructor(init: { attempts: number; status?: number; retryAfterMs?: number; cause?: unknown; detail?: string }) {
    const last =
      init.status === undefined
        ? `no response${init.detail !== undefined ? ` (${init.detail})` : ''}`
        : `HTTP ${init.status}${init.detail !== undefined ? `, ${init.detail}` : ''}`;
    super(`token endpoint unavailable after ${init.attempts} attempt(s); last: ${last}`, { cause: init.cause });
    this.attempts = init.attempts;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The token endpoint answered with something that is neither a token response (RFC 6749 §5.1)
 * nor an error response (§5.2): a redirect, an HTML error page, a 2xx without `access_token`.
 * Usually a wrong URL or a proxy in the way. Not retried.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export class UnexpectedResponseError extends KeygateClientError {
  override readonly name = 'UnexpectedResponseError';
  readonly status: number;

  constructor(status: number, reason: string) {
    super(`unexpected response from the token endpoint (HTTP ${status}): ${reason}`);
    this.status = status;
  }
}

/**
 * The assertion could not be signed: the key is unusable (a public key, a certificate, an RSA key
 * under 2048 bits, an algorithm that does not fit the key) or the signer callback failed or
 * returned a signature in the wrong format.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export class AssertionSigningError extends KeygateClientError {
  override readonly name = 'AssertionSigningError';
}
