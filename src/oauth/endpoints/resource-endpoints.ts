/**
 * The protected resources Keygate itself serves: OpenID Connect userinfo, Salesforce's
 * identity URL (`/id/{orgId}/{userId}`), the REST API's version list (`/services/data`) and
 * the versioned REST resources below it (salesforce-rest/).
 */
import { InvalidTokenError } from '../errors/oauth-error.js';
import type { BearerContext, BearerDeps } from './bearer-token.js';
import { withBearer } from './bearer-token.js';
import type { EndpointRequest, EndpointResponse } from './endpoint-response.js';
import { apiVersionList, requireApiScope } from './salesforce-rest/api-versions.js';
import { createSalesforceRestApi } from './salesforce-rest/rest-api-endpoint.js';

export { API_VERSIONS } from './salesforce-rest/api-versions.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function ok(body: unknown): EndpointResponse {
  return { status: 200, headers: JSON_HEADERS, body };
}

function identity(ctx: BearerContext, baseUrl: string, orgId: string) {
  const { user } = ctx.user;
  return {
    id: `${baseUrl}/id/${orgId}/${user.id}`,
    asserted_user: true,
    user_id: user.id,
    organization_id: orgId,
    username: user.username,
    nick_name: user.username.split('@')[0],
    display_name: user.username,
    email: user.email,
    active: user.active,
    user_type: 'STANDARD',
    urls: {
      rest: `${baseUrl}/services/data/v{version}/`,
      query: `${baseUrl}/services/data/v{version}/query/`,
      profile: `${baseUrl}/${user.id}`,
    },
  };
}

export function createResourceEndpoints(deps: BearerDeps) {
  const org = () => deps.directory.org();
  return {
    /** OpenID Connect Core §5.3. */
    userinfo(req: EndpointRequest): Promise<EndpointResponse> {
      return withBearer(req, deps, (ctx) => {
        const { user } = ctx.user;
        return ok({
          sub: user.id,
          user_id: user.id,
          organization_id: org().id,
          preferred_username: user.username,
          email: user.email,
          profile: user.profile,
        });
      });
    },

    /** The identity URL returned as `id` by the token endpoint; also reads `oauth_token` (Salesforce). */
    identity(req: EndpointRequest, orgId: string, userId: string): Promise<EndpointResponse> {
      return withBearer(
        req,
        deps,
        (ctx) => {
          if (orgId !== org().id || userId !== ctx.user.user.id) {
            throw new InvalidTokenError('the access token does not belong to this identity', 'identity_mismatch');
          }
          return ok(identity(ctx, org().baseUrl, org().id));
        },
        'oauth_token',
      );
    },

    /** The REST API's version list; needs the `api` (or `full`) scope. */
    apiVersions(req: EndpointRequest): Promise<EndpointResponse> {
      return withBearer(req, deps, (ctx) => {
        requireApiScope(ctx);
        return ok(apiVersionList());
      });
    },

    /** `/services/data/{path}`: the versioned REST API resources (the query resource). */
    restApi: createSalesforceRestApi(deps),
  };
}
