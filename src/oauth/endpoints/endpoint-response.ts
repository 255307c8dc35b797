import type { Logger } from 'pino';
import { OAuthError, TemporarilyUnavailableError } from '../errors/oauth-error.js';
import { renderOAuthError } from '../errors/render.js';

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

/**
 * The answer for a failure: an {@link OAuthError} as it is; anything else is logged with its
 * detail and answered as `temporarily_unavailable` (a store that cannot be reached is the
 * usual cause), never with the detail.
 */
export function errorResponse(error: unknown, log: Logger, context: { resource?: boolean } = {}): EndpointResponse {
  let failure: OAuthError;
  if (error instanceof OAuthError) {
    failure = error;
  } else {
    log.error({ err: error }, 'request failed inside Keygate');
    failure = new TemporarilyUnavailableError('internal_error');
  }
  const rendered = renderOAuthError(failure, context);
  return { status: rendered.status, headers: rendered.headers, body: rendered.body };
}
