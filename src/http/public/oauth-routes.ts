/**
 * The public OAuth surface: token, introspection, revocation, discovery, JWKS and the
 * resources Keygate serves. Registered apart from the admin API so that an admin route can
 * never land here by mistake.
 */
import type { FastifyInstance } from 'fastify';
import type { EndpointRequest, EndpointResponse } from '../../oauth/endpoints/endpoint-response.js';
import { PATHS } from '../../oauth/endpoints/metadata.js';
import { RestApiError, renderRestApiError } from '../../oauth/endpoints/salesforce-rest/rest-api-error.js';
import { sendEndpointResponse, toEndpointRequest } from '../endpoint-adapter.js';

export interface OAuthRouteHandlers {
  readonly token: (req: EndpointRequest) => Promise<EndpointResponse>;
  readonly introspect: (req: EndpointRequest) => Promise<EndpointResponse>;
  readonly revoke: (req: EndpointRequest) => Promise<EndpointResponse>;
  readonly userinfo: (req: EndpointRequest) => Promise<EndpointResponse>;
  readonly identity: (req: EndpointRequest, orgId: string, userId: string) => Promise<EndpointResponse>;
  readonly apiVersions: (req: EndpointRequest) => Promise<EndpointResponse>;
  /** Everything below `/services/data/`; `path` is what follows that prefix. */
  readonly restApi: (req: EndpointRequest, path: string) => Promise<EndpointResponse>;
  readonly metadata: () => Record<string, unknown>;
  readonly jwks: () => unknown;
}

/**
 * Bodies above this are refused before parsing, and unrecorded: an upper bound on what one
 * request can make Keygate read. The token endpoint refuses (and records) anything over its own
 * limit: `oauth.maxAssertionBytes` plus 8 KiB, 16 KiB by default.
 */
export const OAUTH_BODY_LIMIT = 64 * 1024;

export async function registerOAuthRoutes(root: FastifyInstance, handlers: OAuthRouteHandlers): Promise<void> {
  // Its own context, where every body is read as raw text: the endpoints judge the content type
  // themselves. A JSON body that does not parse was refused by Fastify's JSON parser before any
  // endpoint saw it: no login-history row, no failure count, another description.
  await root.register(async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    const oauthRoute = { bodyLimit: OAUTH_BODY_LIMIT, config: { errorFormat: 'oauth' as const } };
    const form = (handler: (req: EndpointRequest) => Promise<EndpointResponse>) => async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) =>
      sendEndpointResponse(reply, await handler(toEndpointRequest(req)));

    // Every method reaches the POST-only endpoints, so that anything but POST gets their own error
    // body. OPTIONS too: Keygate answers no CORS preflight, and a 404 problem would name the
    // endpoint as missing. HEAD comes with GET.
    const postOnly = [
      [PATHS.token, handlers.token],
      [PATHS.tokenAlias, handlers.token],
      [PATHS.introspection, handlers.introspect],
      [PATHS.revocation, handlers.revoke],
    ] as const;
    for (const [path, handler] of postOnly) {
      app.route({ method: ['POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], url: path, ...oauthRoute, handler: form(handler) });
    }
    app.route({ method: ['GET', 'POST'], url: PATHS.userinfo, ...oauthRoute, handler: form(handlers.userinfo) });
    app.get<{ Params: { orgId: string; userId: string } }>('/id/:orgId/:userId', oauthRoute, async (req, reply) =>
      sendEndpointResponse(reply, await handlers.identity(toEndpointRequest(req), req.params.orgId, req.params.userId)),
    );
    app.get('/services/data', oauthRoute, form(handlers.apiVersions));
    app.route<{ Params: { '*': string } }>({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/services/data/*',
      bodyLimit: OAUTH_BODY_LIMIT,
      // Salesforce's error shape for what fails before the handler runs (a body too large, ...).
      errorHandler: (error, req, reply) => {
        const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 500;
        if (status >= 500) req.log.error({ err: error, url: req.routeOptions.url }, 'request failed');
        const rendered = renderRestApiError(
          status >= 500 ? new RestApiError('UNKNOWN_EXCEPTION', 'An unexpected error occurred.') : new RestApiError('INVALID_INPUT', 'the request is malformed'),
        );
        return reply.code(status).headers(rendered.headers).send(rendered.body);
      },
      handler: async (req, reply) => sendEndpointResponse(reply, await handlers.restApi(toEndpointRequest(req), req.params['*'])),
    });
    app.get(PATHS.jwks, async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(handlers.jwks()));
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      app.get(path, async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(handlers.metadata()));
    }
  });
}
