/**
 * The REST API versions Keygate answers for, and the scope every `/services/data` resource
 * needs. Salesforce lists versions at `GET /services/data` as `{label, url, version}` with
 * two-digit major versions; clients pick the newest (`@salesforce/core` uses the maximum).
 */
import { InsufficientScopeError } from '../../errors/oauth-error.js';
import type { BearerContext } from '../bearer-token.js';

/** REST API versions listed by `/services/data`, newest last, with Salesforce's release names. */
export const API_VERSIONS = [
  { version: '60.0', label: "Spring '24" },
  { version: '61.0', label: "Summer '24" },
  { version: '62.0', label: "Winter '25" },
  { version: '63.0', label: "Spring '25" },
  { version: '64.0', label: "Summer '25" },
] as const;

/**
 * The oldest version a versioned resource still answers for. Salesforce keeps older versions
 * than it lists, and its own clients hard-code some (`@salesforce/core` asks v51.0 whether an
 * org is a Dev Hub); versions 30.0 and older are retired.
 */
const OLDEST_MAJOR = 31;
const NEWEST_MAJOR = Number(API_VERSIONS[API_VERSIONS.length - 1].version.split('.')[0]);

/** `vNN.N` of a resource path, if Keygate answers for that version; the version without its `v`. */
export function supportedVersion(segment: string): string | undefined {
  const match = /^v(\d{2})\.0$/.exec(segment);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major >= OLDEST_MAJOR && major <= NEWEST_MAJOR ? `${major}.0` : undefined;
}

/** The body of `GET /services/data`. */
export function apiVersionList(): { label: string; url: string; version: string }[] {
  return API_VERSIONS.map((v) => ({ label: v.label, url: `/services/data/v${v.version}`, version: v.version }));
}

/** Every REST API resource needs the `api` (or `full`) scope; otherwise 403 (RFC 6750 §3.1). */
export function requireApiScope(ctx: BearerContext): void {
  const scopes = ctx.claims.scope.split(' ');
  if (!scopes.includes('api') && !scopes.includes('full')) {
    throw new InsufficientScopeError('the api scope is required', 'scope_insufficient');
  }
}
