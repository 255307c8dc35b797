/**
 * The contract every grant implements (RFC 6749 §4 and its extensions). The token endpoint
 * looks a grant up by `grant_type` in a map, hands it only the parameters it declares, and
 * calls `validate` then `issue`: `validate` never mints a token or writes anything, `issue`
 * never re-checks. The endpoint then commits the grant's replay key, the token and the
 * login-history row together, and only then answers.
 */
import type { CredentialKind, LoginGrant } from '../../domain/login-event.js';
import type { Org } from '../../domain/org.js';
import type { OpaqueTokenWrite } from '../ports.js';
import type { ReplayGuard } from '../replay-guard.js';

/** What the endpoint learns while a request is checked; it becomes the login-history row. */
export interface LoginTrail {
  appId: string | null;
  appName: string | null;
  userId: string | null;
  username: string | null;
  credential: CredentialKind;
  certificateFingerprint: string | null;
  jtiHash: string | null;
}

export interface TokenRequest {
  /** The form parameters the grant declared, each present at most once. */
  readonly params: ReadonlyMap<string, string>;
  /** The `Authorization` header, for client authentication; never logged. */
  readonly authorization: string | undefined;
  readonly clientAddress: string;
  /** Seconds since the epoch, from the injected clock. */
  readonly now: number;
  readonly org: Org;
  readonly trail: LoginTrail;
}

/** The Salesforce-compatible token response (a superset of RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  instance_url: string;
  id: string;
  issued_at: string;
  expires_in: number;
}

/** What every grant's checks end with, besides what its `issue` reads. */
export interface Validated {
  /** The single-use key the request spends when the token is issued, if the grant has one. */
  readonly replay: ReplayGuard | null;
}

/** A minted token: the response, and for an opaque token the row that makes it valid. */
export interface IssuedToken {
  readonly response: TokenResponse;
  readonly opaque: OpaqueTokenWrite | null;
}

export interface Grant<V extends Validated = Validated> {
  readonly grantType: string;
  /** Parameters this grant reads, besides `grant_type`; all others are dropped. */
  readonly parameters: readonly string[];
  /** How the login history names this grant. */
  readonly loginGrant: LoginGrant;
  validate(request: TokenRequest): Promise<V>;
  issue(validated: V, request: TokenRequest): IssuedToken;
}

/** Records the app a client-authenticated request claims to be, for the login history. */
export function recordClientOn(trail: LoginTrail) {
  return (client: { app: { id: string; name: string } }, credential: CredentialKind): void => {
    trail.appId = client.app.id;
    trail.appName = client.app.name;
    trail.credential = credential;
  };
}

/**
 * Records the user a request acts as, by the username as stored: usernames match in any letter
 * case, and the history names one user one way, so a filter on it finds every row.
 */
export function recordUserOn(trail: LoginTrail, user: { user: { id: string; username: string } }): void {
  trail.userId = user.user.id;
  trail.username = user.user.username;
}
