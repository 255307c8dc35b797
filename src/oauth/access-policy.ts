/**
 * The app and user policies every grant applies once it knows who is asking: the user's
 * standing, the app's permitted-users policy, its network policy, and the scope.
 */

import {
  InvalidAppAccessError,
  InvalidGrantError,
  InvalidScopeError,
  SALESFORCE_DESCRIPTIONS,
} from './errors/oauth-error.js';
import type { ClientRecord, UserRecord } from './client-directory.js';

/** The user must exist, be active and not be locked. */
export function checkUserStanding(user: UserRecord | undefined): UserRecord {
  if (!user) throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidUser, 'user_unknown');
  if (!user.user.active) throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidUser, 'user_inactive');
  if (user.user.locked) throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidUser, 'user_locked');
  return user;
}

/**
 * Admin approved: the user's profile or one of its permission sets is pre-authorized on the app.
 * Self authorized: the user has approved the app.
 */
export function checkPermittedUser(client: ClientRecord, user: UserRecord): void {
  const { policies, name } = client.app;
  if (policies.permittedUsers === 'adminApproved') {
    const allowed =
      policies.profiles.includes(user.user.profile) || user.user.permissionSets.some((ps) => policies.permissionSets.includes(ps));
    if (!allowed) throw new InvalidAppAccessError();
    return;
  }
  if (!user.user.approvedApps.includes(name)) {
    throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.notApproved, 'user_not_approved');
  }
}

/**
 * With IP relaxation "enforce", the client must come from the app's trusted ranges and from
 * the user's profile login ranges, each where set. "relax" lifts both, as in Salesforce.
 */
export function checkNetworkPolicy(client: ClientRecord, user: UserRecord | undefined, clientAddress: string): void {
  if (client.app.policies.ipRelaxation === 'relax') return;
  if (client.trustedRanges.size > 0 && !client.trustedRanges.contains(clientAddress)) {
    throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.ipRestricted, 'ip_outside_app_ranges');
  }
  if (user && user.loginRanges.size > 0 && !user.loginRanges.contains(clientAddress)) {
    throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.ipRestricted, 'ip_outside_profile_ranges');
  }
}

/**
 * RFC 6749 §3.3: `scope`, when given, narrows the app's scopes; asking for more is
 * `invalid_scope`. Without it the app's full scope set is granted.
 */
export function resolveScope(client: ClientRecord, requested: string | undefined): string {
  if (requested === undefined) return client.app.scopes.join(' ');
  const asked = requested.split(' ').filter((s) => s !== '');
  if (asked.length === 0 || requested.length > 1024) throw new InvalidScopeError('the requested scope is invalid', 'scope_malformed');
  const outside = asked.filter((s) => !client.scopes.has(s));
  if (outside.length > 0) throw new InvalidScopeError('the requested scope exceeds the scopes granted to this app', 'scope_not_granted');
  return [...new Set(asked)].join(' ');
}

