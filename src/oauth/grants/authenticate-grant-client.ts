/**
 * Client authentication for the grants that require it (client credentials, password): the
 * token request's credentials, the org's accepted audiences for a client assertion, and the
 * login trail told which app the request claims to be before its credential is checked.
 *
 * With the org-wide rule `requireAsymmetricM2M` on, a consumer secret no longer proves a
 * client: only a private_key_jwt assertion does (RFC 6749 §5.2, an authentication method the
 * server does not accept is `invalid_client`).
 */
import { authenticateClient, type AuthenticatedClient } from '../client-auth/client-authentication.js';
import type { PrivateKeyJwtDeps } from '../client-auth/private-key-jwt.js';
import { InvalidClientError } from '../errors/oauth-error.js';
import { recordClientOn, type TokenRequest } from './grant.js';
import { acceptedAudiences } from './jwt-bearer/assertion-claims.js';

export async function authenticateGrantClient(request: TokenRequest, deps: PrivateKeyJwtDeps): Promise<AuthenticatedClient> {
  const authenticated = await authenticateClient(
    {
      params: request.params,
      authorization: request.authorization,
      now: request.now,
      audiences: acceptedAudiences(request.org),
      identified: recordClientOn(request.trail),
    },
    deps,
  );
  if (authenticated.credential === 'client-secret' && request.org.requireAsymmetricM2M) {
    throw new InvalidClientError('org_requires_certificate', request.authorization?.toLowerCase().startsWith('basic ') === true);
  }
  return authenticated;
}
