/**
 * The resource owner password credentials grant (RFC 6749 §4.3). Legacy: RFC 9700 §2.4 says
 * it MUST NOT be used, so it answers only for apps that switch it on, and the review flags them.
 */
import { verifySecret } from '../../../platform/secrets.js';
import { InvalidGrantError, InvalidRequestError, UnauthorizedClientError } from '../../errors/oauth-error.js';
import { checkNetworkPolicy, checkPermittedUser, checkUserStanding, resolveScope } from '../../access-policy.js';
import { CLIENT_AUTH_PARAMETERS } from '../../client-auth/client-authentication.js';
import { DECOY_HASH } from '../../client-auth/client-secret.js';
import { authenticateGrantClient } from '../authenticate-grant-client.js';
import type { ClientRecord, UserRecord } from '../../client-directory.js';
import { issueTokenResponse } from '../../tokens/token-response.js';
import type { ReplayStore } from '../../ports.js';
import { spendNow } from '../../replay-guard.js';
import { type Grant, recordUserOn } from '../grant.js';
import type { ClientCredentialsDeps } from '../client-credentials/client-credentials-grant.js';

interface Validated {
  readonly client: ClientRecord;
  readonly user: UserRecord;
  readonly scope: string;
  readonly replay: null;
}

export interface PasswordDeps extends ClientCredentialsDeps {
  readonly replay: ReplayStore;
}

export function createPasswordGrant(deps: PasswordDeps): Grant<Validated> {
  return {
    grantType: 'password',
    parameters: [...CLIENT_AUTH_PARAMETERS, 'username', 'password', 'scope'],
    loginGrant: 'password',

    async validate(request) {
      const { client, replay } = await authenticateGrantClient(request, deps);
      // A client assertion is spent before the password is tried: one assertion, one guess.
      await spendNow(deps.replay, replay);
      request.trail.credential = 'password';
      if (!client.app.flows.usernamePassword) {
        throw new UnauthorizedClientError('the username-password flow is not enabled for this app', 'flow_disabled');
      }
      // A password is a static secret too: the org-wide rule refuses it before it is tried.
      if (request.org.requireAsymmetricM2M) {
        throw new UnauthorizedClientError('this org requires certificate-based authentication', 'org_requires_certificate');
      }
      const username = request.params.get('username');
      const password = request.params.get('password');
      if (username === undefined || password === undefined) {
        throw new InvalidRequestError('username and password are required', 'password_params_missing');
      }
      request.trail.username = username;
      const found = deps.directory.userByUsername(username);
      const hash = found?.user.passwordHash ?? null;
      // An unknown user, or one without a password, costs one scrypt like a wrong password:
      // otherwise the answer's timing tells which usernames exist.
      const matches = await verifySecret(password, hash ?? DECOY_HASH);
      if (hash === null || !matches) {
        throw new InvalidGrantError('authentication failure', 'password_mismatch');
      }
      const user = checkUserStanding(found);
      recordUserOn(request.trail, user);
      checkPermittedUser(client, user);
      checkNetworkPolicy(client, user, request.clientAddress);
      return { client, user, scope: resolveScope(client, request.params.get('scope')), replay: null };
    },

    issue({ client, user, scope }, request) {
      return issueTokenResponse(deps.tokens, { org: request.org, client, user, scope, now: request.now });
    },
  };
}
