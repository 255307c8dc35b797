/** Mints the access token and shapes the Salesforce-compatible response, for every grant. */
import type { Org } from '../../domain/org.js';
import type { ClientRecord, UserRecord } from '../client-directory.js';
import type { IssuedToken } from '../grants/grant.js';
import type { AccessTokens } from './access-token.js';

export function issueTokenResponse(
  tokens: AccessTokens,
  input: { org: Org; client: ClientRecord; user: UserRecord; scope: string; now: number },
): IssuedToken {
  const { org, client, user, scope, now } = input;
  const lifetimeSeconds = client.app.policies.sessionTimeoutMinutes * 60;
  const { token, opaque } = tokens.issue({
    format: client.app.accessTokenFormat,
    issuer: org.baseUrl,
    orgId: org.id,
    appId: client.app.id,
    clientId: client.app.consumerKey,
    userId: user.user.id,
    scope,
    issuedAt: now,
    lifetimeSeconds,
  });
  const response = {
    access_token: token,
    token_type: 'Bearer' as const,
    scope,
    instance_url: org.baseUrl,
    id: `${org.baseUrl}/id/${org.id}/${user.user.id}`,
    issued_at: String(now * 1000),
    expires_in: lifetimeSeconds,
  };
  return { response, opaque };
}
