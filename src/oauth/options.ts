/** Protocol limits the OAuth layer reads (documented in docs/configuration.md). */
export interface OAuthOptions {
  /** Longest accepted assertion, in characters (policy: 8 KiB). */
  readonly maxAssertionBytes: number;
  /** Longest accepted `jti` (policy: 256). */
  readonly maxJtiLength: number;
  /** Longest a private_key_jwt client assertion may live (policy: 60 s). */
  readonly clientAssertionMaxLifetimeSeconds: number;
  /** Refused requests one client address may make per window before 429; 0 turns the limit off (policy: 50). */
  readonly maxFailuresPerAddress: number;
  /** Length of the failure limit's windows (policy: 60 s). */
  readonly failureWindowSeconds: number;
}

export const DEFAULT_OAUTH_OPTIONS: OAuthOptions = {
  maxAssertionBytes: 8192,
  maxJtiLength: 256,
  clientAssertionMaxLifetimeSeconds: 60,
  maxFailuresPerAddress: 50,
  failureWindowSeconds: 60,
};
