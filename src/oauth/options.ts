/** Protocol limits the OAuth layer reads (documented in docs/configuration.md). */
export interface OAuthOptions {
  /** Longest accepted assertion, in characters (policy: 8 KiB). */
  readonly maxAssertionBytes: number;
  /** Longest accepted `jti` (policy: 256). */
  readonly maxJtiLength: number;
  /** Longest a private_key_jwt client assertion may live (policy: 60 s). */
  readonly clientAssertionMaxLifetimeSeconds: number;
}

export const DEFAULT_OAUTH_OPTIONS: OAuthOptions = {
  maxAssertionBytes: 8192,
  maxJtiLength: 256,
  clientAssertionMaxLifetimeSeconds: 60,
};
