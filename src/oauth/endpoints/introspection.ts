/**
 * Token introspection (RFC 7662), `POST /services/oauth2/introspect`. The caller must
 * authenticate as an app, and learns only about that app's own tokens: anything else,
 * including a token it does not own, is `{"active": false}` and nothing more (§2.2). While
 * the org requires certificates, a consumer secret does not authenticate the caller
 * ({@link authenticateClient}).
 */
import type { Logger } from 'pino';
import { honoursTokenOf } from '../../domain/user.js';
import { OAuthError } from '../errors/oauth-error.js';
import { NO_STORE_HEADERS } from '../errors/render.js';
import { authenticateClient } from '../client-auth/client-authentication.js';
import type { PrivateKeyJwtDeps } from '../client-auth/private-key-jwt.js';
import { clientAssertionAudiences } from '../grants/jwt-bearer/assertion-claims.js';
import { PATHS } from './metadata.js';
import type { ReplayStore } from '../ports.js';
import { spendNow } from '../replay-guard.js';
import type { AccessTokens } from '../tokens/access-token.js';
import { errorResponse, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';
import { parseForm, requireFormBody, requirePost, requireToken } from './form.js';

export interface IntrospectionDeps extends PrivateKeyJwtDeps {
  readonly replay: ReplayStore;
  readonly tokens: AccessTokens;
  readonly log: Logger;
}

const HEADERS = { ...NO_STORE_HEADERS, 'content-type': 'application/json; charset=utf-8' };
const INACTIVE = { status: 200, headers: HEADERS, body: { active: false } } as const;

export function createIntrospectionEndpoint(deps: IntrospectionDeps) {
  return async function introspect(req: EndpointRequest): Promise<EndpointResponse> {
    try {
      requirePost(req.method, 'introspection');
      requireFormBody(req.contentType);
      const params = parseForm(req.body);
      const org = deps.directory.org();
      const now = deps.clock.epochSeconds();
      const { client, replay } = await authenticateClient(
        { params, authorization: req.authorization, now, audiences: clientAssertionAudiences(org, PATHS.introspection) },
        deps,
      );
      await spendNow(deps.replay, replay);
      const token = requireToken(params);
      let claims;
      try {
        claims = await deps.tokens.verify(token, { issuer: org.baseUrl, now });
      } catch (error) {
        if (error instanceof OAuthError) return INACTIVE;
        throw error;
      }
      if (claims.appId !== client.app.id) return INACTIVE;
      const user = deps.directory.userById(claims.userId);
      // "active" means usable now (§2.2): the resources refuse a token whose user is gone, inactive,
      // locked, or was deactivated or locked after the token was issued.
      if (!user || !honoursTokenOf(user.user, claims.issuedAt)) return INACTIVE;
      return {
        status: 200,
        headers: HEADERS,
        body: {
          active: true,
          scope: claims.scope,
          client_id: client.app.consumerKey,
          username: user.user.username,
          token_type: 'Bearer',
          exp: claims.expiresAt,
          iat: claims.issuedAt,
          sub: claims.userId,
          aud: org.baseUrl,
          iss: org.baseUrl,
          jti: claims.tokenId,
        },
      };
    } catch (error) {
      return errorResponse(error, deps.log);
    }
  };
}
