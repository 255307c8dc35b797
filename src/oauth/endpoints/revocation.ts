/**
 * Token revocation (RFC 7009), `POST /services/oauth2/revoke`. An authenticated app revokes
 * its own tokens. Without client authentication, as Salesforce allows, a valid access token
 * may revoke itself: holding it proves the right to end it, unless a `client_id` names
 * another app. Unknown, expired or foreign tokens answer 200 and change nothing (§2.2); a
 * token revoked before is revoked again, which changes nothing once every store holds it.
 * While the org requires certificates, a consumer secret is refused here as at the token
 * endpoint ({@link authenticateClient}); a request with no credentials is unaffected.
 */
import { OAuthError } from '../errors/oauth-error.js';
import { NO_STORE_HEADERS } from '../errors/render.js';
import { authenticateClient, hasClientCredentials } from '../client-auth/client-authentication.js';
import type { ClientRecord } from '../client-directory.js';
import { clientAssertionAudiences } from '../grants/jwt-bearer/assertion-claims.js';
import { PATHS } from './metadata.js';
import { spendNow } from '../replay-guard.js';
import { errorResponse, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';
import { parseForm, requireFormBody, requirePost, requireToken } from './form.js';
import type { IntrospectionDeps } from './introspection.js';

const DONE: EndpointResponse = { status: 200, headers: { ...NO_STORE_HEADERS }, body: '' };

export function createRevocationEndpoint(deps: IntrospectionDeps) {
  return async function revoke(req: EndpointRequest): Promise<EndpointResponse> {
    try {
      requirePost(req.method, 'revocation');
      requireFormBody(req.contentType);
      const params = parseForm(req.body);
      const org = deps.directory.org();
      const now = deps.clock.epochSeconds();
      const authRequest = { params, authorization: req.authorization, now, audiences: clientAssertionAudiences(org, PATHS.revocation) };
      let caller: ClientRecord | null = null;
      // Without credentials no client authenticates, so the org's certificate rule has nothing
      // to refuse: such a request can end only the token it presents, which its holder could
      // stop using anyway.
      if (hasClientCredentials(authRequest)) {
        const authenticated = await authenticateClient(authRequest, deps);
        await spendNow(deps.replay, authenticated.replay);
        caller = authenticated.client;
      }
      const token = requireToken(params);
      let claims;
      try {
        // Not `verify`: a token already on the revocation list is revoked again (below), so
        // that a retry after a 503 puts the mark where the first attempt could not.
        claims = await deps.tokens.resolve(token, { issuer: org.baseUrl, now });
      } catch (error) {
        if (error instanceof OAuthError) return DONE;
        throw error;
      }
      // A token is the caller's own to end: the authenticated app's, or the app a public client
      // names in client_id (RFC 7009 §2.1). Another app's token is left alone, silently (§2.2).
      const named = params.get('client_id');
      if (caller !== null && claims.appId !== caller.app.id) return DONE;
      if (caller === null && named !== undefined && deps.directory.clientById(claims.appId)?.app.consumerKey !== named) return DONE;
      await deps.tokens.revoke(claims);
      return DONE;
    } catch (error) {
      return errorResponse(error, deps.log);
    }
  };
}
