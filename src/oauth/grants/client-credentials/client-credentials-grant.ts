/**
 * The client credentials grant (RFC 6749 §4.4), as Salesforce runs it: the app authenticates
 * (private_key_jwt per RFC 7523 §2.2, or its consumer secret) and receives a token that acts
 * as the app's configured run-as user.
 */
import { InvalidGrantError, SALESFORCE_DESCRIPTIONS, UnauthorizedClientError } from '../../errors/oauth-error.js';
import { checkNetworkPolicy, checkUserStanding, resolveScope } from '../../access-policy.js';
import { CLIENT_AUTH_PARAMETERS } from '../../client-auth/client-authentication.js';
import { authenticateGrantClient } from '../authenticate-grant-client.js';
import type { PrivateKeyJwtDeps } from '../../client-auth/private-key-jwt.js';
import type { ClientRecord, UserRecord } from '../../client-directory.js';
import type { AccessTokens } from '../../tokens/access-token.js';
import { issueTokenResponse } from '../../tokens/token-response.js';
import type { ReplayGuard } from '../../replay-guard.js';
import { type Grant, recordUserOn } from '../grant.js';

export interface ClientCredentialsDeps extends PrivateKeyJwtDeps {
  readonly tokens: AccessTokens;
}

interface Validated {
  readonly client: ClientRecord;
  readonly user: UserRecord;
  readonly scope: string;
  readonly replay: ReplayGuard | null;
}

export function createClientCredentialsGrant(deps: ClientCredentialsDeps): Grant<Validated> {
  return {
    grantType: 'client_credentials',
    parameters: [...CLIENT_AUTH_PARAMETERS, 'scope'],
    loginGrant: 'client-credentials',

    async validate(request) {
      const { client, replay } = await authenticateGrantClient(request, deps);
      if (!client.app.flows.clientCredentials) {
        throw new UnauthorizedClientError('the client credentials flow is not enabled for this app', 'flow_disabled');
      }
      const runAs = client.app.clientCredentialsRunAs;
      if (runAs === null) throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidUser, 'run_as_user_unset');
      request.trail.username = runAs;
      const user = checkUserStanding(deps.directory.userByUsername(runAs));
      recordUserOn(request.trail, user);
      checkNetworkPolicy(client, user, request.clientAddress);
      return { client, user, scope: resolveScope(client, request.params.get('scope')), replay };
    },

    issue({ client, user, scope }, request) {
      return issueTokenResponse(deps.tokens, { org: request.org, client, user, scope, now: request.now });
    },
  };
}
