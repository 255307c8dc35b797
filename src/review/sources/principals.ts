/**
 * Who can obtain a token through a Keygate app, as review principals: the users the app's
 * permitted-users policy admits, and its client credentials run-as user.
 */
import { elevatedPermissionsOf, usernameKey } from '../../domain/user.js';
import { unknownFact, type Principal } from '../engine/snapshot.js';

/** The user facts the review needs, from a declared or a stored user. */
export interface ReviewUser {
  readonly username: string;
  readonly profile: string;
  readonly permissionSets: readonly string[];
  readonly permissions: readonly string[];
  readonly active: boolean;
  readonly approvedApps: readonly string[];
  /** Whether the user can sign in with a password. */
  readonly hasPassword: boolean;
}

/** The app facts that decide its principals. */
export interface PrincipalPolicy {
  readonly name: string;
  readonly permittedUsers: 'adminApproved' | 'selfAuthorized';
  readonly profiles: readonly string[];
  readonly permissionSets: readonly string[];
  readonly clientCredentialsRunAs: string | null;
}

/** Indexes users once so that resolving 10,000 apps stays linear. */
export class PrincipalDirectory {
  readonly #byProfile = new Map<string, ReviewUser[]>();
  readonly #byPermissionSet = new Map<string, ReviewUser[]>();
  readonly #byApproval = new Map<string, ReviewUser[]>();
  readonly #byName = new Map<string, ReviewUser>();
  /** By usernameKey (usernames ignore letter case); null where two users share a key. */
  readonly #byKey = new Map<string, ReviewUser | null>();
  readonly #principal = new Map<string, Principal>();

  constructor(users: readonly ReviewUser[]) {
    for (const user of users) {
      this.#byName.set(user.username, user);
      const key = usernameKey(user.username);
      this.#byKey.set(key, this.#byKey.has(key) ? null : user);
      if (!user.active) continue;
      push(this.#byProfile, user.profile, user);
      for (const ps of user.permissionSets) push(this.#byPermissionSet, ps, user);
      for (const app of user.approvedApps) push(this.#byApproval, app, user);
    }
  }

  /** Active users admitted by the app's permitted-users policy, sorted by username. */
  admittedBy(app: PrincipalPolicy): Principal[] {
    const users = new Set<ReviewUser>();
    if (app.permittedUsers === 'adminApproved') {
      for (const p of app.profiles) for (const u of this.#byProfile.get(p) ?? []) users.add(u);
      for (const ps of app.permissionSets) for (const u of this.#byPermissionSet.get(ps) ?? []) users.add(u);
    } else {
      for (const u of this.#byApproval.get(app.name) ?? []) users.add(u);
    }
    return [...users].sort((a, b) => a.username.localeCompare(b.username)).map((u) => this.#toPrincipal(u));
  }

  /** The run-as principal; a name with no user behind it holds nothing we can see. */
  runAs(app: PrincipalPolicy): Principal | null {
    if (app.clientCredentialsRunAs === null) return null;
    const user = this.#byName.get(app.clientCredentialsRunAs) ?? this.#byKey.get(usernameKey(app.clientCredentialsRunAs)) ?? undefined;
    if (!user) {
      return {
        kind: 'user',
        name: app.clientCredentialsRunAs,
        elevatedPermissions: [],
        interactiveSignIn: unknownFact(`no user named ${app.clientCredentialsRunAs} exists`),
        hasPassword: unknownFact(`no user named ${app.clientCredentialsRunAs} exists`),
      };
    }
    return this.#toPrincipal(user);
  }

  #toPrincipal(user: ReviewUser): Principal {
    let principal = this.#principal.get(user.username);
    if (!principal) {
      principal = {
        kind: 'user',
        name: user.username,
        elevatedPermissions: elevatedPermissionsOf(user),
        interactiveSignIn: user.hasPassword,
        hasPassword: user.hasPassword,
      };
      this.#principal.set(user.username, principal);
    }
    return principal;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
