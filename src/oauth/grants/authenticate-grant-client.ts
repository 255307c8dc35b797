/**
 * Client authentication for the grants that use it (client credentials, password, and JWT
 * Bearer when credentials come with it): the token request's credentials, the org's accepted
 * audiences for a client assertion, and the login trail told which app the request claims to
 * be before its credential is checked. The org-wide rule `requireAsymmetricM2M` is applied by
 * {@link authenticateClient}, as at every endpoint.
 */
import { authenticateClient, type AuthenticatedClient } from '../client-auth/client-authentication.js';
import type { PrivateKeyJwtDeps } from '../client-auth/private-key-jwt.js';
import { recordClientOn, type TokenRequest } from './grant.js';
import { acceptedAudiences } from './jwt-bearer/assertion-claims.js';

export async function authenticateGrantClient(request: TokenRequest, deps: PrivateKeyJwtDeps): Promise<AuthenticatedClient> {
  return authenticateClient(
    {
      params: request.params,
      authorization: request.authorization,
      now: request.now,
      audiences: acceptedAudiences(request.org),
      identified: recordClientOn(request.trail),
    },
    deps,
  );
}
