/** What kind of request produced a login-history row. */
export type LoginGrant =
  | 'jwt-bearer'
  | 'client-credentials'
  | 'password'
  | 'console'
  | 'unknown';

/** How the client proved itself, for the traffic-aware review controls. */
export type CredentialKind = 'assertion' | 'client-assertion' | 'client-secret' | 'password' | 'none';

/**
 * One token request or console sign-in. Never holds an assertion, a secret or a token:
 * only identifiers, the outcome, and a SHA-256 of the `jti`.
 */
export interface LoginEvent {
  readonly id: string;
  readonly at: Date;
  readonly appId: string | null;
  readonly appName: string | null;
  readonly userId: string | null;
  readonly username: string | null;
  readonly grant: LoginGrant;
  readonly credential: CredentialKind;
  readonly clientAddress: string;
  readonly outcome: 'success' | 'failure';
  /** The public OAuth error code, null on success. */
  readonly errorCode: string | null;
  /** Precise internal reason (e.g. `signature_invalid`, `jti_replayed`); `ok` on success. */
  readonly reason: string;
  readonly certificateFingerprint: string | null;
  readonly jtiHash: string | null;
  /** The scope of the token issued (space-separated); null for a failure or a console sign-in. */
  readonly scope: string | null;
}

export interface LoginHistoryFilter {
  readonly appId?: string;
  readonly appName?: string;
  readonly username?: string;
  readonly outcome?: 'success' | 'failure';
  readonly grant?: LoginGrant;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
  readonly offset?: number;
}
