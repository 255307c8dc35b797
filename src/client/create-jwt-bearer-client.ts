/**
 * A token source for the OAuth 2.0 JWT Bearer grant (RFC 7523 §2.1): signs an assertion, trades
 * it for an access token, caches the token and renews it before it expires.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
import { type ClientClock, systemClientClock } from './client-clock.js';
import { TokenEndpointUnavailableError } from './errors.js';
import { type FetchFunction, requestToken } from './request-token.js';
import { type RetryOptions, resolveRetryOptions } from './retry-policy.js';
import { DEFAULT_ASSERTION_LIFETIME_SECONDS, signAssertion } from './sign-assertion.js';
import { type AssertionKey, type SigningAlgorithm, resolveSigningKey } from './signing-key.js';
import type { TokenResponse } from './token-response.js';

/** `grant_type` of the JWT Bearer grant (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Path of the token endpoint under a login URL, as Salesforce and Keygate serve it. */
export const SALESFORCE_TOKEN_PATH = '/services/oauth2/token';

/** Default renewal margin: a cached token is renewed this long before it expires. */
export const DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS = 60;

/**
 * Lifetime assumed when the response has no `expires_in` (Salesforce omits it for this grant):
 * 15 minutes, Salesforce's shortest session timeout. A token revoked earlier is caught by
 * `createAuthorizedFetch`, which renews on a 401.
 */
export const DEFAULT_ASSUMED_TOKEN_LIFETIME_SECONDS = 900;

/** Where the token endpoint is: give exactly one of `tokenUrl` or `loginUrl`. */
export type TokenEndpointLocation =
  | {
      /** Full token endpoint URL, e.g. `https://keygate.example.com/oauth2/token`. Default audience: this URL. */
      readonly tokenUrl: string;
      readonly loginUrl?: never;
    }
  | {
      /**
       * Login (base) URL, e.g. `https://login.salesforce.com` or a Keygate base URL. The token
       * endpoint is `${loginUrl}/services/oauth2/token` and the default audience is `loginUrl`.
       */
      readonly loginUrl: string;
      readonly tokenUrl?: never;
    };

/** Options of {@link createJwtBearerClient}. */
export type JwtBearerClientOptions = TokenEndpointLocation & {
  /** The app's consumer key; the assertion's `iss`. */
  readonly clientId: string;
  /** The user to act as; the assertion's `sub`. */
  readonly username: string;
  /** PEM private key, `KeyObject`, or a signer callback keeping the key in a KMS/HSM. */
  readonly key: AssertionKey;
  /** Overrides the algorithm the key implies (e.g. `PS256` with an RSA key). */
  readonly alg?: SigningAlgorithm;
  /** `kid` header of each assertion. */
  readonly kid?: string;
  /**
   * The assertion's `aud`. Default: `loginUrl`, or `tokenUrl`. When posting to a Salesforce My
   * Domain URL, set it to `https://login.salesforce.com` (or `https://test.salesforce.com`).
   */
  readonly audience?: string;
  /** Scopes to request (`scope` parameter); by default the server grants the app's scopes. */
  readonly scope?: string | readonly string[];
  /** Assertion lifetime (`exp` − `iat`); default 180 s. */
  readonly lifetimeSeconds?: number;
  /** Renew a cached token this long before it expires; default 60 s, at most half its lifetime. */
  readonly renewBeforeExpirySeconds?: number;
  /** Lifetime assumed without `expires_in`; default 900 s. */
  readonly assumedTokenLifetimeSeconds?: number;
  readonly retry?: RetryOptions;
  /**
   * Timeout of each HTTP attempt; default 10 000 ms, at most 2 147 483 647 (about 24 days). A
   * timeout counts as a network error.
   */
  readonly requestTimeoutMs?: number;
  readonly fetch?: FetchFunction;
  readonly clock?: ClientClock;
  /** Waits between retries; `setTimeout` unless injected (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1); `Math.random` unless injected (tests). */
  readonly random?: () => number;
};

/** What {@link createJwtBearerClient} returns. */
export interface JwtBearerClient {
  /**
   * Resolves to a valid token: the cached one, or a new one when none is cached or the cached
   * one is within the renewal margin. Concurrent calls share one request. If a renewal finds
   * the endpoint unavailable while the cached token has not yet expired, that token is returned.
   *
   * @throws {@link OAuthError} when the server refuses the grant (never retried).
   * @throws {@link TokenEndpointUnavailableError} after the retries are spent.
   * @throws {@link UnexpectedResponseError} for an answer that is not OAuth.
   * @throws {@link AssertionSigningError} when the assertion cannot be signed.
   */
  getToken(): Promise<TokenResponse>;
  /**
   * Forgets the cached token so the next `getToken()` asks for a new one. With `accessToken`,
   * only when that is the token cached, so many callers that saw the same token refused cause
   * one renewal, not one each.
   */
  invalidate(accessToken?: string): void;
}

interface CachedToken {
  readonly token: TokenResponse;
  readonly expiresAtMs: number;
  readonly renewAtMs: number;
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The longest delay a Node timer keeps (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

function checkedString(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/**
 * Reads an optional number option, checked now: a timing that fails only at the first request
 * would surface late, and a bad `requestTimeoutMs` would look like an unreachable endpoint.
 */
function checkedNumber(value: number | undefined, fallback: number, valid: (n: number) => boolean, message: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) throw new RangeError(message);
  return value;
}

function checkedUrl(value: string, name: string): string {
  try {
    new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL`);
  }
  return value;
}

/**
 * Creates a JWT Bearer token source. Each request carries a freshly signed assertion with
 * `iss` = `clientId`, `sub` = `username`, `aud` = `audience`, a short `exp`, `iat` and a unique
 * `jti`, posted as `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`.
 *
 * @example
 * ```ts
 * const client = createJwtBearerClient({
 *   loginUrl: 'https://login.salesforce.com',
 *   clientId: process.env.CONSUMER_KEY!,
 *   username: 'integration@example.com',
 *   key: readFileSync('server.key', 'utf8'),
 * });
 * const { access_token, instance_url } = await client.getToken();
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export function createJwtBearerClient(options: JwtBearerClientOptions): JwtBearerClient {
  if ((options.tokenUrl === undefined) === (options.loginUrl === undefined)) {
    throw new TypeError('give exactly one of tokenUrl or loginUrl');
  }
  const tokenUrl =
    options.loginUrl !== undefined
      ? `${trimTrailingSlashes(checkedUrl(options.loginUrl, 'loginUrl'))}${SALESFORCE_TOKEN_PATH}`
      : checkedUrl(options.tokenUrl, 'tokenUrl');
  const audience =
    options.audience ?? (options.loginUrl !== undefined ? trimTrailingSlashes(options.loginUrl) : tokenUrl);
  checkedString(options.clientId, 'clientId');
  checkedString(options.username, 'username');
  const lifetimeSeconds = checkedNumber(
    options.lifetimeSeconds,
    DEFAULT_ASSERTION_LIFETIME_SECONDS,
    (n) => Number.isInteger(n) && n > 0,
    'lifetimeSeconds must be a positive whole number of seconds',
  );
  const requestTimeoutMs = checkedNumber(
    options.requestTimeoutMs,
    10_000,
    // Node's timers hold 32 signed bits: a longer timeout fires after 1 ms (or, past 2^32 - 1,
    // AbortSignal.timeout throws), and every attempt would fail as a network error.
    (n) => n > 0 && n <= MAX_TIMER_MS,
    `requestTimeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS}`,
  );
  const renewBeforeExpirySeconds = checkedNumber(
    options.renewBeforeExpirySeconds,
    DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS,
    (n) => n >= 0,
    'renewBeforeExpirySeconds must be zero or more seconds',
  );
  const assumedTokenLifetimeSeconds = checkedNumber(
    options.assumedTokenLifetimeSeconds,
    DEFAULT_ASSUMED_TOKEN_LIFETIME_SECONDS,
    (n) => n > 0,
    'assumedTokenLifetimeSeconds must be a positive number of seconds',
  );
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  // Parse the PEM and check key against alg once, so a bad key fails here rather than at first use.
  const resolved = resolveSigningKey(options.key, options.alg);
  const key = resolved.kind === 'key-object' ? resolved.keyObject : resolved.signer;
  const clock = options.clock ?? systemClientClock;
  const retry = resolveRetryOptions(options.retry);
  const marginMs = renewBeforeExpirySeconds * 1000;
  const assumedLifetimeMs = assumedTokenLifetimeSeconds * 1000;
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  let cached: CachedToken | undefined;
  let inflight: Promise<TokenResponse> | undefined;

  const buildForm = async (): Promise<URLSearchParams> => {
    const assertion = await signAssertion({
      issuer: options.clientId,
      subject: options.username,
      audience,
      key,
      alg: resolved.alg,
      clock,
      ...(options.kid !== undefined ? { kid: options.kid } : {}),
      lifetimeSeconds,
    });
    const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });
    if (scope !== undefined && scope !== '') form.set('scope', scope);
    return form;
  };

  const renew = async (previous: CachedToken | undefined): Promise<TokenResponse> => {
    // Count the lifetime from before the request was sent, so the estimate errs early.
    const requestedAtMs = clock.now().getTime();
    try {
      const token = await requestToken({
        tokenUrl,
        buildForm,
        fetch: fetchFunction,
        retry,
        requestTimeoutMs,
        clock,
        sleep,
        random: options.random ?? Math.random,
      });
      const lifetimeMs = token.expires_in !== undefined ? token.expires_in * 1000 : assumedLifetimeMs;
      cached = {
        token,
        expiresAtMs: requestedAtMs + lifetimeMs,
        renewAtMs: requestedAtMs + lifetimeMs - Math.min(marginMs, lifetimeMs / 2),
      };
      return token;
    } catch (error) {
      const stillValid = previous !== undefined && cached === previous && clock.now().getTime() < previous.expiresAtMs;
      if (error instanceof TokenEndpointUnavailableError && stillValid) return previous.token;
      throw error;
    }
  };

  return {
    getToken(): Promise<TokenResponse> {
      if (cached !== undefined && clock.now().getTime() < cached.renewAtMs) return Promise.resolve(cached.token);
      if (inflight === undefined) {
        inflight = renew(cached).finally(() => {
          inflight = undefined;
        });
      }
      return inflight;
    },
    invalidate(accessToken?: string): void {
      if (accessToken === undefined || cached?.token.access_token === accessToken) cached = undefined;
    },
  };
}
