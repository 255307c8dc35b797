/**
 * Resource-server side of bearer tokens (RFC 6750): reading the token from the request and
 * resolving it to a live app and user, with the app's network policy applied again.
 */
import type { Logger } from 'pino';
import { honoursTokenOf } from '../../domain/user.js';
import { InvalidRequestError, InvalidTokenError, OAuthError } from '../errors/oauth-error.js';
import { NO_STORE_HEADERS, renderOAuthError } from '../errors/render.js';
import { checkNetworkPolicy } from '../access-policy.js';
import type { ClientDirectory, ClientRecord, UserRecord } from '../client-directory.js';
import type { AccessTokenClaims, AccessTokens } from '../tokens/access-token.js';
import { storeUnavailable, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';
import { StoreUnavailableError } from '../ports.js';

export interface BearerContext {
  readonly claims: AccessTokenClaims;
  readonly client: ClientRecord;
  readonly user: UserRecord;
}

/** Thrown when no token was presented at all: 401 with a bare challenge (RFC 6750 §3.1). */
class NoTokenError extends Error {}

/**
 * `Authorization: Bearer`, or, where allowed, a query parameter (the identity URL's
 * `oauth_token`). Another scheme carries no bearer token at all. RFC 6750 §2 asks for one
 * place only, but jsforce sends its token in both at the identity URL: the same token twice
 * is one credential, two different ones are refused.
 */
function presentedToken(req: EndpointRequest, queryParam: string | undefined): string {
  const header = req.authorization;
  const fromQuery = (queryParam && req.query.get(queryParam)) || null;
  if (header === undefined || !/^Bearer(\s|$)/i.test(header)) {
    if (fromQuery) return fromQuery;
    throw new NoTokenError();
  }
  const credentials = header.slice('Bearer'.length).trim();
  if (credentials === '') throw new InvalidRequestError('the Authorization header carries no token', 'token_header_empty');
  if (fromQuery !== null && fromQuery !== credentials) throw new InvalidRequestError('two different access tokens were sent', 'token_sent_twice');
  if (!/^[A-Za-z0-9\-._~+/!]+=*$/.test(credentials)) throw new InvalidTokenError('the Authorization header is not a bearer token', 'token_header_malformed');
  return credentials;
}

export interface BearerDeps {
  readonly tokens: AccessTokens;
  readonly directory: ClientDirectory;
  readonly nowSeconds: () => number;
  /** Where a store outage met while checking a token is reported (one warning per request). */
  readonly log?: Pick<Logger, 'warn'>;
}

const SILENT: Pick<Logger, 'warn'> = { warn: () => {} };

export async function authenticateBearer(req: EndpointRequest, deps: BearerDeps, queryParam?: string): Promise<BearerContext> {
  const token = presentedToken(req, queryParam);
  const org = deps.directory.org();
  const claims = await deps.tokens.verify(token, { issuer: org.baseUrl, now: deps.nowSeconds() });
  const client = deps.directory.clientById(claims.appId);
  const user = deps.directory.userById(claims.userId);
  if (!client || !user || !honoursTokenOf(user.user, claims.issuedAt)) {
    throw new InvalidTokenError('the access token is invalid', 'token_subject_gone');
  }
  try {
    checkNetworkPolicy(client, user, req.clientAddress);
  } catch {
    throw new InvalidTokenError('ip restricted', 'ip_restricted');
  }
  return { claims, client, user };
}

/**
 * Runs a resource handler behind bearer authentication, rendering failures per RFC 6750 §3.
 * A store that cannot be reached while the token is checked (its revocation) answers 503
 * `temporarily_unavailable` here rather than in a route's error handler, which would not
 * know it from a fault.
 */
export async function withBearer(
  req: EndpointRequest,
  deps: BearerDeps,
  handle: (ctx: BearerContext) => EndpointResponse,
  queryParam?: string,
): Promise<EndpointResponse> {
  try {
    return handle(await authenticateBearer(req, deps, queryParam));
  } catch (error) {
    if (error instanceof NoTokenError) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="keygate"', ...NO_STORE_HEADERS, 'content-type': 'application/json; charset=utf-8' },
        body: { error: 'invalid_request', error_description: 'a bearer token is required' },
      };
    }
    const failure = error instanceof StoreUnavailableError ? storeUnavailable(error, deps.log ?? SILENT) : error;
    if (!(failure instanceof OAuthError)) throw failure;
    const rendered = renderOAuthError(failure, { resource: true });
    return { status: rendered.status, headers: rendered.headers, body: rendered.body };
  }
}
