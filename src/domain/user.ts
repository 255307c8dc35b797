/** An org user: the subject of a JWT Bearer assertion, a run-as user, or an administrator. */
export interface User {
  /** Salesforce-style 18-character id (prefix `005`). */
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly profile: string;
  readonly permissionSets: readonly string[];
  readonly permissions: readonly string[];
  readonly active: boolean;
  readonly locked: boolean;
  /** The profile's login IP ranges (CIDR). Empty means unrestricted. */
  readonly loginIpRanges: readonly string[];
  /** Names of apps this user approved (only consulted under the self-authorized policy). */
  readonly approvedApps: readonly string[];
  /** scrypt hash (`scrypt$N$r$p$salt$hash`), or null when the user cannot sign in with a password. */
  readonly passwordHash: string | null;
  /** Base32 TOTP secret; when set, console sign-in asks for a second factor. */
  readonly totpSecret: string | null;
  /**
   * When the user was last deactivated or locked. Tokens issued before then stay refused after
   * the user is reactivated or unlocked: a token that may have been taken while the account was
   * suspect does not come back with it.
   */
  readonly tokensRevokedAt: Date | null;
}

/**
 * Whether a token issued at `issuedAt` (epoch seconds) may act as this user now. `iat` has whole
 * seconds, so a token counts as issued at the start of its second: one from the same second as a
 * suspension is refused, whichever side of it it was issued on (unless the suspension fell on
 * that second's very first millisecond).
 */
export function honoursTokenOf(user: Pick<User, 'active' | 'locked' | 'tokensRevokedAt'>, issuedAt: number): boolean {
  if (!user.active || user.locked) return false;
  return user.tokensRevokedAt === null || issuedAt * 1000 >= user.tokensRevokedAt.getTime();
}

/**
 * Permissions that make a user admin-grade: a token for such a user can change or read
 * everything in the org, so the review raises the risk of any app that can act as them.
 */
export const ELEVATED_PERMISSIONS = [
  'ModifyAllData',
  'ViewAllData',
  'ManageUsers',
  'CustomizeApplication',
  'AuthorApex',
] as const;

export type ElevatedPermission = (typeof ELEVATED_PERMISSIONS)[number];

export function elevatedPermissionsOf(user: Pick<User, 'permissions'>): ElevatedPermission[] {
  return ELEVATED_PERMISSIONS.filter((p) => user.permissions.includes(p));
}

export function isAdminGrade(user: Pick<User, 'permissions'>): boolean {
  return elevatedPermissionsOf(user).length > 0;
}

/**
 * What usernames are compared by. Salesforce usernames are case-insensitive: `Dup@acme.test` and
 * `dup@acme.test` name one user, stored with the letter case it was created with. Unicode
 * lower-casing, the same on every backend (the database's own `lower()` differs between SQLite,
 * ASCII only, and PostgreSQL).
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** Whether the user may use the admin API and console. */
export function canAdminister(user: Pick<User, 'permissions' | 'active' | 'locked'>): boolean {
  return user.active && !user.locked && user.permissions.includes('ManageUsers');
}
