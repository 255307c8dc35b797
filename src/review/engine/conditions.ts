/**
 * Predicates over an app's facts that several controls' risk conditions share. Each returns
 * false when the facts it needs are unknown: an unknown fact neither raises nor lowers risk.
 */
import { isUnknown, type Principal, type SnapshotApp } from './snapshot.js';

/** Principals (pre-authorized or run-as) holding an admin-grade permission. */
export function elevatedPrincipals(app: SnapshotApp): Principal[] {
  const found: Principal[] = [];
  if (!isUnknown(app.principals)) found.push(...app.principals.filter((p) => p.elevatedPermissions.length > 0));
  const runAs = app.runAs;
  if (!isUnknown(runAs) && runAs !== null && runAs.elevatedPermissions.length > 0) {
    if (!found.some((p) => p.kind === runAs.kind && p.name === runAs.name)) found.push(runAs);
  }
  return found;
}

/** A pre-authorized or run-as principal holds an elevated permission. */
export function hasElevatedPrincipal(app: SnapshotApp): boolean {
  return elevatedPrincipals(app).length > 0;
}

/** The app relaxes IP restrictions. */
export function isIpRelaxed(app: SnapshotApp): boolean {
  return app.ipRelaxation === 'relax';
}

/** The app enforces IP restrictions and names trusted ranges to enforce. */
export function isIpAllowlisted(app: SnapshotApp): boolean {
  return app.ipRelaxation === 'enforce' && !isUnknown(app.trustedIpRanges) && app.trustedIpRanges.length > 0;
}

/** The app's private key is declared to sit in a KMS or an HSM. */
export function isKeyInKms(app: SnapshotApp): boolean {
  return app.keyCustody === 'kms' || app.keyCustody === 'hsm';
}

/** Names a fact as "on", "off" or "unknown" for messages. */
export function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

/** Formats a list of names for a sentence: "a", "a and b", "a, b and 2 more". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length === 0) return 'none';
  if (names.length === 1) return names[0]!;
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Formats an instant as its UTC date, e.g. 2025-03-01. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}
