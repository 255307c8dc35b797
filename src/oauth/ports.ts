/**
 * What the OAuth layer needs from the outside world, declared here beside the code that uses
 * it. Storage backends implement these; only the composition root (src/main.ts) wires them.
 */
import type { LoginEvent } from '../domain/login-event.js';
import type { ExternalClientApp } from '../domain/app.js';
import type { Org } from '../domain/org.js';
import type { User } from '../domain/user.js';

/**
 * A backing store (PostgreSQL, Redis) cannot be reached right now: a known outage, not a fault
 * in Keygate. A storage backend throws it (or a subclass naming the store) in place of the driver's error;
 * every surface answers it with 503 and `Retry-After` (RFC 6749 §5.2 `temporarily_unavailable`
 * at the OAuth endpoints, problem+json at the admin API) and logs one warning without a stack.
 */
export class StoreUnavailableError extends Error {
  /** For Fastify's error handlers, which read the status from here. */
  readonly statusCode = 503;
  readonly retryAfterSeconds = 1;

  constructor(
    /** The store's name, for the log and the login history. */
    readonly store: 'postgresql' | 'redis',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Everything the token endpoint reads about the org, its apps and users, in one load. */
export interface DirectoryContents {
  readonly org: Org;
  readonly apps: readonly ExternalClientApp[];
  readonly users: readonly User[];
}

/** Loads the directory; the cache calls it at start and after every change. */
export interface DirectorySource {
  loadDirectory(): Promise<DirectoryContents>;
}

/**
 * Single-use `jti` store (RFC 7523 §3 item 7). `consume` must be atomic: one insert that
 * fails on conflict, so that of two concurrent calls with the same key exactly one is true.
 */
export interface ReplayStore {
  consume(namespace: string, key: string, expiresAtSeconds: number): Promise<boolean>;
}

/** Appends one row to the login history; resolves once the row is durable. */
export interface LoginRecorder {
  record(event: LoginEvent): Promise<void>;
}

/** A single-use key a request spends: kept per app (`namespace`) until it expires. */
export interface ReplayClaim {
  readonly namespace: string;
  readonly key: string;
  readonly expiresAtSeconds: number;
}

/** An opaque access token as it is stored: by the SHA-256 of its value, never the value. */
export interface OpaqueTokenWrite {
  readonly tokenHash: string;
  readonly record: OpaqueTokenRecord;
}

/** Everything a successful token request writes. */
export interface IssueWrites {
  /** The key the request spends (its assertion's `jti`), if its grant has one. */
  readonly replay: ReplayClaim | null;
  /** The token, when its format is opaque. */
  readonly opaque: OpaqueTokenWrite | null;
  /** The success row of the login history. */
  readonly event: LoginEvent;
}

/**
 * The token endpoint's durable record: the login history, plus the writes a token is issued
 * with. `commitIssue` spends the replay key and, only if it was fresh, stores the opaque token
 * and the success row, as one commit where the backend can (SQLite, PostgreSQL); with the
 * replay key held elsewhere (Redis), the key is spent first. It resolves to false, having
 * written nothing else, when the key was spent before; the same atomicity rule as
 * {@link ReplayStore.consume} holds for concurrent calls.
 */
export interface TokenLedger extends LoginRecorder {
  commitIssue(writes: IssueWrites): Promise<boolean>;
}

/** What an opaque access token stands for. */
export interface OpaqueTokenRecord {
  readonly tokenId: string;
  readonly appId: string;
  readonly userId: string;
  readonly scope: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Opaque tokens (by SHA-256; written by {@link TokenLedger.commitIssue}) and the revocation list of every access token. */
export interface TokenStore {
  findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined>;
  revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
}

/**
 * Failed requests counted per subject (a client address) in fixed windows, shared by every
 * instance on the same store, so that a limit holds however requests are spread.
 */
export interface FailureCounter {
  /**
   * Adds one failure to `subject`'s window starting at `windowStartSeconds` and resolves to
   * the window's count including it. The window's count may be forgotten after `expiresAtSeconds`.
   */
  addFailure(subject: string, windowStartSeconds: number, expiresAtSeconds: number): Promise<number>;
}

/** A server signing key as stored: the private key as PKCS#8 PEM. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKeyPem: string;
  readonly createdAt: number;
}

/** Server keys that sign access tokens, shared by every instance through the store. */
export interface SigningKeyStore {
  listSigningKeys(): Promise<StoredSigningKey[]>;
  /** Inserts the key unless one already exists; returns the keys in force afterwards. */
  ensureSigningKey(candidate: StoredSigningKey): Promise<StoredSigningKey[]>;
}
