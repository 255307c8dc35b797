/**
 * The versioned Salesforce REST API resources under `/services/data/` that Keygate serves:
 * only the query resource, which the Salesforce CLI needs to record an org. The bearer token
 * is checked first (RFC 6750; its failures keep the 401 and `WWW-Authenticate`), then the
 * `api` scope, then the path; everything past the token answers in Salesforce's error shape.
 */
import { withBearer, type BearerContext, type BearerDeps } from '../bearer-token.js';
import type { EndpointRequest, EndpointResponse } from '../endpoint-response.js';
import { requireApiScope, supportedVersion } from './api-versions.js';
import { runQuery, type QueryScope } from './query-resource.js';
import { REST_JSON_HEADERS, RestApiError, notFound, renderRestApiError } from './rest-api-error.js';
import { parseSoqlQuery } from './soql-query.js';

/** Step: the one `q` parameter of a query request. */
function queryText(req: EndpointRequest): string {
  const values = req.query.getAll('q');
  if (values.length > 1) throw new RestApiError('MALFORMED_QUERY', 'the q parameter is given more than once');
  return values[0] ?? '';
}

/** `GET vNN.N/query?q=...` (REST API Developer Guide, "Query"). */
function query(req: EndpointRequest, version: string, scope: QueryScope): unknown {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new RestApiError('METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`);
  }
  const parsed = parseSoqlQuery(queryText(req));
  return runQuery(parsed, scope, version);
}

/** Step: which resource a path below `/services/data/` names; anything unknown is NOT_FOUND. */
function route(req: EndpointRequest, path: string, ctx: BearerContext, deps: BearerDeps): unknown {
  const segments = path.split('/');
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const version = supportedVersion(segments[0] ?? '');
  if (version === undefined) throw notFound();
  if (segments.length === 2 && segments[1] === 'query') return query(req, version, { org: deps.directory.org(), user: ctx.user.user });
  throw notFound();
}

/**
 * Answers `{method} /services/data/{path}`, where `path` is what follows `/services/data/`.
 */
export function createSalesforceRestApi(deps: BearerDeps): (req: EndpointRequest, path: string) => Promise<EndpointResponse> {
  return (req, path) =>
    withBearer(req, deps, (ctx) => {
      try {
        requireApiScope(ctx);
        return { status: 200, headers: REST_JSON_HEADERS, body: route(req, path, ctx, deps) };
      } catch (error) {
        if (error instanceof RestApiError) {
          return renderRestApiError(error, error.errorCode === 'METHOD_NOT_ALLOWED' ? { allow: 'GET, HEAD' } : {});
        }
        throw error;
      }
    });
}
