import { OAuthError, ServerError, type OAuthErrorCode } from './oauth-error.js';

/** The wire form of an OAuth error: status, headers and the RFC 6749 §5.2 body. */
export interface RenderedError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { error: OAuthErrorCode; error_description: string };
}

/** Headers every token-endpoint response carries (RFC 6749 §5.1). */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Quotes a value for an auth-param (RFC 9110 §11.2); descriptions never hold CR, LF or TAB. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Renders any thrown value as an OAuth error response. Anything that is not an
 * {@link OAuthError} becomes `server_error`, with its detail left to the caller's log.
 */
export function renderOAuthError(error: unknown, context: { resource?: boolean } = {}): RenderedError {
  const err = error instanceof OAuthError ? error : new ServerError();
  const headers: Record<string, string> = { ...NO_STORE_HEADERS, 'content-type': 'application/json; charset=utf-8' };
  if (err.code === 'invalid_client' && 'triedAuthorizationHeader' in err && err.triedAuthorizationHeader) {
    headers['www-authenticate'] = 'Basic realm="keygate"';
  }
  if (context.resource === true && (err.code === 'invalid_request' || err.code === 'invalid_token' || err.code === 'insufficient_scope')) {
    headers['www-authenticate'] = `Bearer realm="keygate", error="${err.code}", error_description=${quoted(err.description)}`;
  }
  if (err.code === 'temporarily_unavailable' && 'retryAfterSeconds' in err) {
    headers['retry-after'] = String(err.retryAfterSeconds);
  }
  return {
    status: err.status,
    headers,
    body: { error: err.code, error_description: err.description.replace(/[\r\n\t]/g, ' ') },
  };
}
