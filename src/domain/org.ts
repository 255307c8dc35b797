/**
 * The organisation Keygate serves. Its base URL is the issuer of every token, the
 * `instance_url` handed to clients, and the default audience an assertion must name.
 */
export interface Org {
  /** Salesforce-style 18-character id (prefix `00D`). */
  readonly id: string;
  readonly name: string;
  /** Issuer and `instance_url`, without a trailing slash. */
  readonly baseUrl: string;
  /** Further values accepted in an assertion's `aud`, e.g. `https://login.salesforce.com`. */
  readonly extraAudiences: readonly string[];
  readonly clockSkewSeconds: number;
  readonly maxAssertionLifetimeSeconds: number;
  readonly accessTokenLifetimeSeconds: number;
  /** Org-wide: machine-to-machine apps must authenticate with a certificate (JWT Bearer). */
  readonly requireAsymmetricM2M: boolean;
}

/**
 * The session timeout, in minutes, of an app that names none: the org's access-token lifetime,
 * rounded up to whole minutes (60 s to 24 h gives 1 to 1440, the app setting's own bounds).
 */
export function defaultSessionTimeoutMinutes(org: Pick<Org, 'accessTokenLifetimeSeconds'>): number {
  return Math.ceil(org.accessTokenLifetimeSeconds / 60);
}

/** Strips one trailing slash so that URL comparisons are exact. */
export function normalizeBaseUrl(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
