/**
 * Readings of an app's refresh-token facts that the refresh-token controls share.
 */
import { isUnknown, type SnapshotApp } from '../engine/snapshot.js';

const REFRESH_SCOPES = ['refresh_token', 'offline_access'];

/**
 * Why the app hands out no refresh token (its policy issues none, or it lacks the refresh
 * scope), or null when it may.
 */
export function refreshTokensIssued(app: SnapshotApp): string | null {
  const policy = app.refreshTokenPolicy;
  if (policy !== undefined && !isUnknown(policy) && policy.kind === 'zero') {
    return `The app's refresh token policy (${policy.raw}) issues no usable refresh token.`;
  }
  if (!isUnknown(app.scopes) && !app.scopes.some((s) => REFRESH_SCOPES.includes(s))) {
    return 'The app holds no refresh_token or offline_access scope, so it is never given a refresh token.';
  }
  return null;
}

/** Refresh tokens live until revoked. */
export function refreshTokensLiveForever(app: SnapshotApp): boolean {
  const policy = app.refreshTokenPolicy;
  return policy !== undefined && !isUnknown(policy) && policy.kind === 'infinite';
}
