/**
 * `keygate/client`: sign RFC 7523 assertions and get OAuth 2.0 access tokens with the JWT Bearer
 * grant, from Keygate or Salesforce. Depends only on `jose` and Node.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523
 */
export type { ClientClock } from './client-clock.js';
export {
  createAuthorizedFetch,
  type AuthorizedFetchOptions,
  type TokenSource,
} from './create-authorized-fetch.js';
export {
  createClientAssertion,
  DEFAULT_CLIENT_ASSERTION_LIFETIME_SECONDS,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  type ClientAssertionOptions,
} from './create-client-assertion.js';
export {
  createJwtBearerClient,
  DEFAULT_ASSUMED_TOKEN_LIFETIME_SECONDS,
  DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS,
  JWT_BEARER_GRANT_TYPE,
  SALESFORCE_TOKEN_PATH,
  type JwtBearerClient,
  type JwtBearerClientOptions,
  type TokenEndpointLocation,
} from './create-jwt-bearer-client.js';
export { derToJoseSignature, type EcdsaAlgorithm } from './der-to-jose-signature.js';
export {
  AssertionSigningError,
  KeygateClientError,
  OAuthError,
  TokenEndpointUnavailableError,
  UnexpectedResponseError,
} from './errors.js';
export type { FetchFunction } from './request-token.js';
export type { RetryOptions } from './retry-policy.js';
export { DEFAULT_ASSERTION_LIFETIME_SECONDS, signAssertion, type SignAssertionOptions } from './sign-assertion.js';
export type { AssertionKey, AssertionSigner, SigningAlgorithm } from './signing-key.js';
export type { TokenResponse } from './token-response.js';
