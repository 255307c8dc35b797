/**
 * What the OAuth layer needs from the outside world, declared here beside the code that uses
 * it. Storage backends implement these; only the composition root (src/main.ts) wires them.
 */
import type { LoginEvent } from '../domain/login-event.js';
import type { ExternalClientApp } from '../domain/app.js';
import type { Org } from '../domain/org.js';
import type { User } from '../domain/user.js';

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

/** What an opaque access token stands for. */
export interface OpaqueTokenRecord {
  readonly tokenId: string;
  readonly appId: string;
  readonly userId: string;
  readonly scope: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Opaque tokens (by SHA-256) and the revocation list of every access token. */
export interface TokenStore {
  saveOpaque(tokenHash: string, record: OpaqueTokenRecord): Promise<void>;
  findOpaque(tokenHash: string): Promise<OpaqueTokenRecord | undefined>;
  revoke(tokenId: string, appId: string, expiresAtSeconds: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
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
