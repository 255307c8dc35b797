/**
 * The token endpoint (RFC 6749 §3.2, §5): `POST /services/oauth2/token` and `/oauth2/token`.
 * One ordered list of steps; every outcome, success or failure, becomes one login-history
 * row before the answer leaves. A success commits its replay key, its token and its row
 * together (decision 0004).
 */
import type { Logger } from 'pino';
import type { LoginEvent, LoginGrant } from '../../domain/login-event.js';
import type { Clock } from '../../platform/clock.js';
import { newEventId } from '../../platform/ids.js';
import { InvalidRequestError, OAuthError, TemporarilyUnavailableError, UnsupportedGrantTypeError } from '../errors/oauth-error.js';
import { NO_STORE_HEADERS, renderOAuthError } from '../errors/render.js';
import type { ClientDirectory } from '../client-directory.js';
import type { LoginTrail, TokenRequest } from '../grants/grant.js';
import type { GrantRegistry } from '../grants/grant-registry.js';
import { errorResponse, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';
import { StoreUnavailableError, type TokenLedger } from '../ports.js';
import { parseForm, requireFormBody, requirePost } from './form.js';

export interface TokenEndpointDeps {
  readonly grants: GrantRegistry;
  readonly directory: ClientDirectory;
  readonly ledger: TokenLedger;
  readonly clock: Clock;
  readonly log: Logger;
  /** Longest form read, from {@link tokenFormLimit}. */
  readonly maxFormLength: number;
}

/**
 * Longest form the token endpoint reads: the longest assertion (`oauth.maxAssertionBytes`)
 * plus 8 KiB for the other parameters. Bodies up to the HTTP layer's larger limit still reach
 * this endpoint, so that they are refused and recorded here.
 */
export function tokenFormLimit(maxAssertionBytes: number): number {
  return maxAssertionBytes + 8 * 1024;
}

const SUCCESS_HEADERS = { ...NO_STORE_HEADERS, 'content-type': 'application/json; charset=utf-8' };

function newTrail(): LoginTrail {
  return { appId: null, appName: null, userId: null, username: null, credential: 'none', certificateFingerprint: null, jtiHash: null };
}

/** Drops every parameter the grant did not declare (RFC 6749 §3.2: unknown ones are ignored). */
function pickDeclared(params: Map<string, string>, declared: readonly string[]): Map<string, string> {
  const picked = new Map<string, string>();
  for (const name of declared) {
    const value = params.get(name);
    if (value !== undefined) picked.set(name, value);
  }
  return picked;
}

export function createTokenEndpoint(deps: TokenEndpointDeps) {
  const { grants, directory, ledger, clock, log, maxFormLength } = deps;

  return async function tokenEndpoint(req: EndpointRequest): Promise<EndpointResponse> {
    const trail = newTrail();
    let loginGrant: LoginGrant = 'unknown';
    const now = clock.now();
    const event = (failure: OAuthError | null, scope: string | null = null): LoginEvent => ({
      id: newEventId(),
      at: now,
      ...trail,
      grant: loginGrant,
      clientAddress: req.clientAddress,
      outcome: failure ? 'failure' : 'success',
      errorCode: failure?.code ?? null,
      reason: failure?.reason ?? 'ok',
      scope,
    });
    try {
      requirePost(req.method, 'token');
      requireFormBody(req.contentType);
      if (req.body.length > maxFormLength) throw new InvalidRequestError('the request body is too large', 'body_too_large');
      const params = parseForm(req.body);
      const grantType = params.get('grant_type');
      if (grantType === undefined) throw new InvalidRequestError('grant_type is required', 'grant_type_missing');
      const grant = grants.get(grantType);
      if (!grant) throw new UnsupportedGrantTypeError();
      loginGrant = grant.loginGrant;
      const request: TokenRequest = {
        params: pickDeclared(params, grant.parameters),
        authorization: req.authorization,
        clientAddress: req.clientAddress,
        now: Math.floor(now.getTime() / 1000),
        org: directory.org(),
        trail,
      };
      const validated = await grant.validate(request);
      const issued = grant.issue(validated, request);
      const { replay } = validated;
      // One commit: the replay key, the token (when opaque) and the success row, or nothing.
      const fresh = await ledger.commitIssue({ replay: replay?.claim ?? null, opaque: issued.opaque, event: event(null, issued.response.scope) });
      if (fresh) return { status: 200, headers: SUCCESS_HEADERS, body: issued.response };
      throw replay?.refusal() ?? new Error('the ledger refused a request that spends no replay key');
    } catch (failure) {
      const response = errorResponse(failure, log);
      try {
        await ledger.record(event(failure instanceof OAuthError ? failure : new TemporarilyUnavailableError('internal_error')));
      } catch (error) {
        // An answer whose audit row is lost is not given. A store outage is already known
        // and expected to pass: a warning, without a stack on every request.
        if (error instanceof StoreUnavailableError) log.warn({ store: error.store, reason: error.message }, 'login history unavailable');
        else log.error({ err: error }, 'login history unavailable');
        const rendered = renderOAuthError(new TemporarilyUnavailableError('login_history_unavailable'));
        return { status: rendered.status, headers: rendered.headers, body: rendered.body };
      }
      return response;
    }
  };
}
