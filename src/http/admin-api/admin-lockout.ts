/**
 * An administrator may not cut off their own way into the admin API: a change to the app their
 * token comes from, or to their own user, is refused (`409 conflict`) when it would leave that
 * app unable to serve them. Another administrator, or a token from another app, must make it.
 *
 * "Able to serve them" is judged with the token endpoint's and the resource endpoints' own
 * rules (access-policy.ts), applied to the app and user as they would be after the change:
 *
 * - the token in hand must keep passing: the app's trusted IP ranges and the user's login IP
 *   ranges (unless the app relaxes IP restrictions) must hold the caller's address, since every
 *   admin request checks them again;
 * - the app must keep the `admin` scope and one flow that can give this user another token:
 *   JWT Bearer with a currently valid certificate, or username-password with a password set
 *   (both under the app's permitted-users policy), or client credentials running as this user.
 *
 * Only a change that takes the caller from served to not served is refused, so an app that
 * already cannot serve them (an expired certificate, say) can still be repaired.
 */
import { ADMIN_SCOPE, type ExternalClientApp } from '../../domain/app.js';
import { isCurrentlyValid } from '../../domain/certificate.js';
import { usernameKey, type User } from '../../domain/user.js';
import { checkNetworkPolicy, checkPermittedUser } from '../../oauth/access-policy.js';
import type { ClientRecord, UserRecord } from '../../oauth/client-directory.js';
import { IpRangeSet } from '../../platform/cidr.js';
import { AdminError } from '../../admin/admin-errors.js';

/** The caller's app and user, as they stand or as a change would leave them. */
export interface CallerAccess {
  readonly app: ExternalClientApp;
  readonly user: User;
}

function records(access: CallerAccess): { client: ClientRecord; user: UserRecord } {
  const { app, user } = access;
  return {
    client: { app, keys: [], trustedRanges: new IpRangeSet(app.policies.trustedIpRanges), scopes: new Set(app.scopes) },
    user: { user, loginRanges: new IpRangeSet(user.loginIpRanges) },
  };
}

function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** Why `access` would not let the caller at `clientAddress` into the admin API, or null when it would. */
export function lockoutReason(access: CallerAccess, clientAddress: string, now: Date): string | null {
  let rec: ReturnType<typeof records>;
  try {
    rec = records(access);
  } catch {
    // An invalid range is the service's to refuse, with its field named.
    return null;
  }
  const { app, user } = access;
  if (!passes(() => checkNetworkPolicy(rec.client, rec.user, clientAddress))) {
    const outside = rec.client.trustedRanges.size > 0 && !rec.client.trustedRanges.contains(clientAddress) ? 'the app\'s trusted IP ranges' : 'your login IP ranges';
    return `your address ${clientAddress} would be outside ${outside}, so your token would stop working at once`;
  }
  if (!app.scopes.includes(ADMIN_SCOPE)) return `the app would no longer grant the "${ADMIN_SCOPE}" scope`;
  const permitted = passes(() => checkPermittedUser(rec.client, rec.user));
  const jwtBearer = app.flows.jwtBearer && app.certificates.some((c) => isCurrentlyValid(c, now));
  const password = app.flows.usernamePassword && user.passwordHash !== null;
  const clientCredentials = app.flows.clientCredentials && app.clientCredentialsRunAs !== null && usernameKey(app.clientCredentialsRunAs) === usernameKey(user.username);
  if (clientCredentials || (permitted && (jwtBearer || password))) return null;
  if (!permitted && (jwtBearer || password)) return 'the app\'s permitted-users policy would no longer admit your user, so it could not issue you another token';
  if (app.flows.jwtBearer && !jwtBearer) return 'the app would keep no currently valid certificate for its JWT Bearer flow, so it could not issue you another token';
  return 'no flow of the app could issue you another token (JWT Bearer is the one the Admin CLI uses)';
}

/**
 * Refuses a change that takes the caller's app or user from letting them in to not, naming why.
 * `before` is the state their current request was admitted under.
 */
export function refuseLockout(before: CallerAccess, after: CallerAccess, clientAddress: string, now: Date): void {
  if (lockoutReason(before, clientAddress, now) !== null) return;
  const reason = lockoutReason(after, clientAddress, now);
  if (reason === null) return;
  throw new AdminError('conflict', `this is the app your access token comes from, and this change would lock you out of the admin API: ${reason}; make it with a token from another app, or as another administrator`);
}
