/**
 * When and how long to wait before asking the token endpoint again: network errors, timeouts and
 * 5xx are retried with capped exponential backoff and jitter, honouring `Retry-After`
 * (RFC 9110 §10.2.3). A 4xx is never retried.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */

/** Retry settings of {@link createJwtBearerClient}. */
export interface RetryOptions {
  /** Requests per `getToken()` renewal, the first included; default 4. `1` disables retries. */
  readonly maxAttempts?: number;
  /** Backoff before the first retry, doubled for each further one; default 250 ms. */
  readonly baseDelayMs?: number;
  /** Upper bound of the exponential backoff; default 4000 ms. */
  readonly maxDelayMs?: number;
  /**
   * The longest `Retry-After` the client will wait; default 30 000 ms. A server asking for a
   * longer pause gets none: the client stops and raises `TokenEndpointUnavailableError` with
   * `retryAfterMs` set.
   */
  readonly maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const resolved = {
    maxAttempts: options?.maxAttempts ?? 4,
    baseDelayMs: options?.baseDelayMs ?? 250,
    maxDelayMs: options?.maxDelayMs ?? 4000,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 30_000,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new RangeError('retry.maxAttempts must be a whole number of at least 1');
  }
  for (const name of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!(resolved[name] >= 0)) throw new RangeError(`retry.${name} must be zero or more`);
  }
  return resolved;
}

/**
 * Delay before retry number `retry` (1 for the first retry): "equal jitter", half of the capped
 * exponential step plus a random share of the other half. Spreads clients that failed together
 * while keeping a floor, so a few attempts are not spent in a burst.
 */
export function backoffDelay(retry: number, options: ResolvedRetryOptions, random: () => number): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return step / 2 + random() * (step / 2);
}

/**
 * Reads `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in milliseconds from
 * `nowMs`; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
