import type { Logger } from 'pino';
import { OAuthError, TemporarilyUnavailableError } from '../errors/oauth-error.js';
import { renderOAuthError } from '../errors/render.js';
import { StoreUnavailableError } from '../ports.js';

/** An endpoint's answer, independent of the HTTP framework that sends it. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** What every endpoint reads from an HTTP request. */
export interface EndpointRequest {
  readonly method: string;
  readonly contentType: string | undefined;
  /** The raw body text, for form endpoints. */
  readonly body: string;
  readonly authorization: string | undefined;
  /** The client's address, after trusted-proxy handling. */
  readonly clientAddress: string;
  /** Query parameters (only where an endpoint reads them). */
  readonly query: URLSearchParams;
}

/** The one warning a store outage costs each request that meets it, on every surface. */
export function warnStoreOutage(error: StoreUnavailableError, log: Pick<Logger, 'warn'>): void {
  log.warn({ store: error.store, reason: error.message }, 'a backing store is unavailable; answering 503');
}

/**
 * The OAuth error for a store outage, after one warning line: the message names the store and
 * the driver's reason; a stack would only repeat the driver's internals on every request.
 */
export function storeUnavailable(error: StoreUnavailableError, log: Pick<Logger, 'warn'>): TemporarilyUnavailableError {
  warnStoreOutage(error, log);
  return new TemporarilyUnavailableError(`${error.store}_unavailable`, error.retryAfterSeconds);
}

/**
 * The answer for a failure: an {@link OAuthError} as it is; a {@link StoreUnavailableError}
 * as `temporarily_unavailable`, logged as a warning; anything else is logged with its detail
 * and answered as `temporarily_unavailable` too, never with the detail.
 */
export function errorResponse(error: unknown, log: Logger, context: { resource?: boolean } = {}): EndpointResponse {
  let failure: OAuthError;
  if (error instanceof OAuthError) {
    failure = error;
  } else if (error instanceof StoreUnavailableError) {
    failure = storeUnavailable(error, log);
  } else {
    log.error({ err: error }, 'request failed inside Keygate');
    failure = new TemporarilyUnavailableError('internal_error');
  }
  const rendered = renderOAuthError(failure, context);
  return { status: rendered.status, headers: rendered.headers, body: rendered.body };
}
