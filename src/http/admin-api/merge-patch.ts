/**
 * PATCH semantics for users and apps: the fields a request leaves out keep their current value.
 *
 * Why this is needed: the services' update schemas (org, user, app) are built with zod 4's `.partial()` from the
 * configuration schema, and zod 4 still applies a field's `.default()` when the field is absent
 * (`z.object({ a: z.string().default('x') }).partial().parse({})` gives `{ a: 'x' }`). Sent as is,
 * `{"locked": true}` would also reset the user's profile and permissions to their defaults. So
 * the admin API fills every defaulted field from the current object before calling the service.
 */
import type { UpdateAppInput, UpdateOrgInput, UpdateUserInput } from '../../admin/inputs.js';
import type { ExternalClientApp } from '../../domain/app.js';
import type { Org } from '../../domain/org.js';
import type { User } from '../../domain/user.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The user update to send: the request's fields over the current values of defaulted fields. */
export function mergeUserPatch(current: User, patch: Record<string, unknown>): UpdateUserInput {
  return {
    profile: current.profile,
    permissionSets: [...current.permissionSets],
    permissions: [...current.permissions],
    active: current.active,
    locked: current.locked,
    loginIpRanges: [...current.loginIpRanges],
    approvedApps: [...current.approvedApps],
    ...patch,
  } as UpdateUserInput;
}

/** The policies to send: the request's policy fields over the current ones. */
export function mergePoliciesPatch(current: ExternalClientApp, patch: unknown): unknown {
  return isPlainObject(patch) ? { ...current.policies, ...patch } : patch;
}

/** The app update to send: the request's fields over the current values of defaulted fields. */
export function mergeAppPatch(current: ExternalClientApp, patch: Record<string, unknown>): UpdateAppInput {
  return {
    scopes: [...current.scopes],
    requireJti: current.requireJti,
    accessTokenFormat: current.accessTokenFormat,
    assertionProfile: current.assertionProfile,
    keyCustody: current.keyCustody,
    ...patch,
    policies: 'policies' in patch ? mergePoliciesPatch(current, patch.policies) : { ...current.policies },
  } as UpdateAppInput;
}

/** The org update to send: the request's fields over the current settings. */
export function mergeOrgPatch(current: Org, patch: Record<string, unknown>): UpdateOrgInput {
  return {
    name: current.name,
    baseUrl: current.baseUrl,
    extraAudiences: [...current.extraAudiences],
    clockSkewSeconds: current.clockSkewSeconds,
    maxAssertionLifetimeSeconds: current.maxAssertionLifetimeSeconds,
    accessTokenLifetimeSeconds: current.accessTokenLifetimeSeconds,
    requireAsymmetricM2M: current.requireAsymmetricM2M,
    ...patch,
  } as UpdateOrgInput;
}
