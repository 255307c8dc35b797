/**
 * Who may call the admin API: a bearer access token issued by this Keygate (RFC 6750 §2.1,
 * header only), carrying the `admin` scope, for a user who holds `ManageUsers` and is active and
 * unlocked. The app's network policy applies as on every resource endpoint. No password or
 * static secret is accepted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
import type { FastifyRequest } from 'fastify';
import { ADMIN_SCOPE } from '../../domain/app.js';
import { canAdminister } from '../../domain/user.js';
import { authenticateBearer, type BearerContext, type BearerDeps } from '../../oauth/endpoints/bearer-token.js';
import { OAuthError } from '../../oauth/errors/oauth-error.js';
import { clientAddressOf, toEndpointRequest } from '../endpoint-adapter.js';
import { AdminAuthError } from './admin-api-problems.js';


const REALM = 'realm="keygate-admin"';

/** The caller of an admin request, once authenticated. */
export interface AdminPrincipal {
  readonly userId: string;
  readonly username: string;
  readonly appId: string;
  /** The address the request came from, as the app's network policy sees it. */
  readonly clientAddress: string;
}

/**
 * RFC 6750 §3.1: a request without a bearer token (no credentials, or another scheme's) gets a
 * bare challenge and no error code.
 */
function requireBearerHeader(req: FastifyRequest): void {
  const header = req.headers.authorization;
  if (header === undefined || !/^Bearer(\s|$)/i.test(header)) {
    throw new AdminAuthError('unauthorized', 'send an access token with the admin scope as "Authorization: Bearer <token>"', `Bearer ${REALM}`);
  }
}

async function verifyAccessToken(req: FastifyRequest, deps: BearerDeps): Promise<BearerContext> {
  try {
    return await authenticateBearer(toEndpointRequest(req), deps);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    // The OAuth description ("expired", "revoked", "ip restricted") is public; the reason stays internal.
    throw new AdminAuthError('unauthorized', `the access token was refused: ${err.description}`, `Bearer ${REALM}, error="invalid_token"`);
  }
}

function checkAdminScope(ctx: BearerContext): void {
  if (!ctx.claims.scope.split(' ').includes(ADMIN_SCOPE)) {
    throw new AdminAuthError(
      'forbidden',
      `the access token lacks the "${ADMIN_SCOPE}" scope; request a token with scope=${ADMIN_SCOPE} from an app that grants it`,
      `Bearer ${REALM}, error="insufficient_scope", scope="${ADMIN_SCOPE}"`,
    );
  }
}

function checkManageUsers(ctx: BearerContext): void {
  if (!canAdminister(ctx.user.user)) {
    throw new AdminAuthError(
      'forbidden',
      'the token\'s user may not administer Keygate: the ManageUsers permission is required',
      `Bearer ${REALM}, error="insufficient_scope", scope="${ADMIN_SCOPE}"`,
    );
  }
}

/** Runs the checks in order; the first failure names itself. */
export async function authenticateAdmin(req: FastifyRequest, deps: BearerDeps): Promise<AdminPrincipal> {
  requireBearerHeader(req);
  const ctx = await verifyAccessToken(req, deps);
  checkAdminScope(ctx);
  checkManageUsers(ctx);
  return { userId: ctx.user.user.id, username: ctx.user.user.username, appId: ctx.client.app.id, clientAddress: clientAddressOf(req) };
}
