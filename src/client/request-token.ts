/**
 * One renewal: POST the form to the token endpoint (RFC 6749 §4.1.3-style form post, RFC 7523
 * §2.1 parameters), retrying network errors and 5xx with backoff, never a 4xx.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
import type { ClientClock } from './client-clock.js';
import { TokenEndpointUnavailableError, UnexpectedResponseError, type OAuthError } from './errors.js';
import { type ResolvedRetryOptions, backoffDelay, parseRetryAfter } from './retry-policy.js';
import { type TokenResponse, parseOAuthError, parseTokenResponse } from './token-response.js';

/** The `fetch` the client calls; the global one unless injected. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TokenRequest {
  readonly tokenUrl: string;
  /**
   * Builds the form for one attempt. Called again for every retry: each attempt carries a
   * freshly signed assertion, because a server that consumed the first `jti` before failing
   * would refuse it as a replay.
   */
  readonly buildForm: () => Promise<URLSearchParams>;
  readonly fetch: FetchFunction;
  readonly retry: ResolvedRetryOptions;
  readonly requestTimeoutMs: number;
  readonly clock: ClientClock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

type Outcome =
  | { readonly kind: 'token'; readonly token: TokenResponse }
  | {
      readonly kind: 'retryable';
      readonly status?: number;
      readonly retryAfterMs?: number;
      readonly cause?: unknown;
      /** The network failure in words (its code, or a timeout), for the error message. */
      readonly detail?: string;
      /** A failure the same request meets again: a refused server certificate, a port fetch refuses. */
      readonly final?: true;
    };

/** Runs the attempts; resolves to the token or throws one of the client's typed errors. */
export async function requestToken(request: TokenRequest): Promise<TokenResponse> {
  for (let attempt = 1; ; attempt++) {
    const form = await request.buildForm();
    const outcome = await attemptOnce(request, form);
    if (outcome.kind === 'token') return outcome.token;

    const unavailable = (detail = outcome.detail): TokenEndpointUnavailableError =>
      new TokenEndpointUnavailableError({
        attempts: attempt,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
        ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
        cause: outcome.cause,
        ...(detail !== undefined ? { detail } : {}),
      });
    if (attempt >= request.retry.maxAttempts || outcome.final) throw unavailable();
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > request.retry.maxRetryAfterMs) {
      throw unavailable(
        `asking to retry after ${seconds(outcome.retryAfterMs)}, longer than retry.maxRetryAfterMs (${seconds(request.retry.maxRetryAfterMs)})`,
      );
    }
    await request.sleep(Math.max(backoffDelay(attempt, request.retry, request.random), outcome.retryAfterMs ?? 0));
  }
}

async function attemptOnce(request: TokenRequest, form: URLSearchParams): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      // A redirected POST would turn into a GET or resend the assertion elsewhere: refuse it.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.requestTimeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    if (isBlockedPort(cause)) {
      return { kind: 'retryable', cause, detail: 'fetch refuses this port, one of the Fetch standard\'s "bad ports"; serve on another', final: true };
    }
    const detail = describeNetworkFailure(cause, request.requestTimeoutMs);
    return {
      kind: 'retryable',
      cause,
      ...(detail !== undefined ? { detail } : {}),
      ...(detail !== undefined && isCertificateRefusal(detail) ? { final: true as const } : {}),
    };
  }

  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'token', token: parseTokenResponse(status, text) };
  if (status >= 500 && status < 600) {
    const cause: OAuthError | undefined = parseOAuthError(status, text);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), request.clock.now().getTime());
    return { kind: 'retryable', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), cause };
  }
  if (status >= 400 && status < 500) {
    // Not retried, even a 429: the refusals that led to it have a cause retrying will not fix.
    const retryAfterMs = status === 429 ? parseRetryAfter(response.headers.get('retry-after'), request.clock.now().getTime()) : undefined;
    throw parseOAuthError(status, text, retryAfterMs) ?? new UnexpectedResponseError(status, 'error response without an OAuth error body');
  }
  throw new UnexpectedResponseError(
    status,
    status >= 300 && status < 400 ? 'the token endpoint redirected; use the final URL as tokenUrl' : 'unexpected status',
  );
}

/**
 * The TLS codes for a server certificate this client refuses: expired, not yet valid, for another
 * host, or not chaining to a trusted root. Retrying meets the same certificate, so it is reported
 * at once rather than after the backoff.
 */
function isCertificateRefusal(code: string): boolean {
  return /^(CERT_|UNABLE_TO_|ERR_TLS_CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/.test(code);
}

/** `fetch` refuses some ports outright (6000, 6665-6669, 10080, ...) with this network error. */
function isBlockedPort(cause: unknown): boolean {
  return cause instanceof Error && cause.cause instanceof Error && cause.cause.message === 'bad port';
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * Names a failed attempt that got no response: a timeout, or the system error code `fetch`
 * keeps as its cause (`ECONNREFUSED`, `ENOTFOUND`, a TLS code such as `CERT_HAS_EXPIRED`).
 * Only the code: the messages may quote addresses, never anything sent.
 */
function describeNetworkFailure(cause: unknown, timeoutMs: number): string | undefined {
  if (cause instanceof Error && cause.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const codeOf = (value: unknown): string | undefined => {
    const code = typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;
    return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
  };
  return codeOf(cause instanceof Error ? cause.cause : undefined) ?? codeOf(cause);
}
