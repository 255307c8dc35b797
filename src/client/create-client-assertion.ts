/**
 * Client authentication with a signed JWT, `private_key_jwt` (RFC 7523 §2.2 and §3): `iss` and
 * `sub` are both the client id.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
import type { ClientClock } from './client-clock.js';
import { signAssertion } from './sign-assertion.js';
import type { AssertionKey, SigningAlgorithm } from './signing-key.js';

/** `client_assertion_type` for a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Default client assertion lifetime; Keygate refuses an `exp` more than 60 s ahead. */
export const DEFAULT_CLIENT_ASSERTION_LIFETIME_SECONDS = 60;

/** Options of {@link createClientAssertion}. */
export interface ClientAssertionOptions {
  /** The client id (consumer key); both `iss` and `sub`. */
  readonly clientId: string;
  /** The authorization server's issuer (base URL) or the URL of the endpoint being called. */
  readonly audience: string;
  readonly key: AssertionKey;
  readonly alg?: SigningAlgorithm;
  readonly kid?: string;
  /** Default 60 s. */
  readonly lifetimeSeconds?: number;
  readonly clock?: ClientClock;
}

/**
 * Signs a client assertion for `private_key_jwt`. Send it with any request that takes client
 * authentication (token with `client_credentials`, introspection, revocation):
 * `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=…`.
 * A new assertion is needed for every request: its `jti` is single-use.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  return signAssertion({
    issuer: options.clientId,
    subject: options.clientId,
    audience: options.audience,
    key: options.key,
    lifetimeSeconds: options.lifetimeSeconds ?? DEFAULT_CLIENT_ASSERTION_LIFETIME_SECONDS,
    ...(options.alg !== undefined ? { alg: options.alg } : {}),
    ...(options.kid !== undefined ? { kid: options.kid } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
}
