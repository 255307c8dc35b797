/**
 * The in-memory read model the token and resource endpoints consult on every request: apps
 * by consumer key with their certificates' public keys already parsed, users by name, and the
 * org. It is rebuilt from the store whenever an admin change is announced, so no token
 * request waits on a query for configuration.
 */
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { allowedAlgorithms, type Certificate } from '../domain/certificate.js';
import type { ExternalClientApp } from '../domain/app.js';
import type { Org } from '../domain/org.js';
import { usernameKey, type User } from '../domain/user.js';
import { IpRangeSet } from '../platform/cidr.js';
import type { DirectoryContents, DirectorySource } from './ports.js';

export interface VerificationKey {
  readonly certificate: Certificate;
  readonly publicKey: KeyObject;
  readonly algorithms: ReadonlySet<string>;
  /** `x5t#S256`: base64url SHA-256 of the DER certificate (RFC 7515 §4.1.8). */
  readonly thumbprint: string;
}

export interface ClientRecord {
  readonly app: ExternalClientApp;
  readonly keys: readonly VerificationKey[];
  readonly trustedRanges: IpRangeSet;
  readonly scopes: ReadonlySet<string>;
}

export interface UserRecord {
  readonly user: User;
  readonly loginRanges: IpRangeSet;
}

/** Read access to the directory, as the OAuth layer needs it. */
export interface ClientDirectory {
  org(): Org;
  clientByConsumerKey(consumerKey: string): ClientRecord | undefined;
  clientById(appId: string): ClientRecord | undefined;
  userByUsername(username: string): UserRecord | undefined;
  userById(userId: string): UserRecord | undefined;
}

function toVerificationKey(certificate: Certificate): VerificationKey {
  const x509 = new X509Certificate(certificate.pem);
  return {
    certificate,
    publicKey: x509.publicKey,
    algorithms: new Set(allowedAlgorithms(certificate)),
    thumbprint: createHash('sha256').update(x509.raw).digest('base64url'),
  };
}

interface Indexes {
  readonly org: Org;
  readonly byConsumerKey: Map<string, ClientRecord>;
  readonly byAppId: Map<string, ClientRecord>;
  readonly byUsername: Map<string, UserRecord>;
  /** By {@link usernameKey}; a key two users share (from before usernames were unique in any case) is left out. */
  readonly byUsernameKey: Map<string, UserRecord | null>;
  readonly byUserId: Map<string, UserRecord>;
}

function index(contents: DirectoryContents): Indexes {
  const byConsumerKey = new Map<string, ClientRecord>();
  const byAppId = new Map<string, ClientRecord>();
  for (const app of contents.apps) {
    const record: ClientRecord = {
      app,
      keys: app.certificates.map(toVerificationKey),
      trustedRanges: new IpRangeSet(app.policies.trustedIpRanges),
      scopes: new Set(app.scopes),
    };
    byConsumerKey.set(app.consumerKey, record);
    byAppId.set(app.id, record);
  }
  const byUsername = new Map<string, UserRecord>();
  const byUsernameKey = new Map<string, UserRecord | null>();
  const byUserId = new Map<string, UserRecord>();
  for (const user of contents.users) {
    const record: UserRecord = { user, loginRanges: new IpRangeSet(user.loginIpRanges) };
    byUsername.set(user.username, record);
    const key = usernameKey(user.username);
    byUsernameKey.set(key, byUsernameKey.has(key) ? null : record);
    byUserId.set(user.id, record);
  }
  return { org: contents.org, byConsumerKey, byAppId, byUsername, byUsernameKey, byUserId };
}

/** A {@link ClientDirectory} held in memory and rebuilt from a {@link DirectorySource} on demand. */
export class CachedClientDirectory implements ClientDirectory {
  #indexes: Indexes;
  #pending: Promise<void> | null = null;
  #again = false;

  private constructor(
    private readonly source: DirectorySource,
    indexes: Indexes,
  ) {
    this.#indexes = indexes;
  }

  static async load(source: DirectorySource): Promise<CachedClientDirectory> {
    return new CachedClientDirectory(source, index(await source.loadDirectory()));
  }

  /**
   * Reloads from the source. Calls that arrive during a reload coalesce into one more reload,
   * so the cache always ends up at least as new as the last change announced.
   */
  refresh(): Promise<void> {
    if (this.#pending) {
      this.#again = true;
      return this.#pending;
    }
    this.#pending = (async () => {
      try {
        do {
          this.#again = false;
          this.#indexes = index(await this.source.loadDirectory());
        } while (this.#again);
      } finally {
        this.#pending = null;
      }
    })();
    return this.#pending;
  }

  org(): Org {
    return this.#indexes.org;
  }
  clientByConsumerKey(consumerKey: string): ClientRecord | undefined {
    return this.#indexes.byConsumerKey.get(consumerKey);
  }
  clientById(appId: string): ClientRecord | undefined {
    return this.#indexes.byAppId.get(appId);
  }
  /** The user of that exact username, else the one user whose username differs only in letter case. */
  userByUsername(username: string): UserRecord | undefined {
    return this.#indexes.byUsername.get(username) ?? this.#indexes.byUsernameKey.get(usernameKey(username)) ?? undefined;
  }
  userById(userId: string): UserRecord | undefined {
    return this.#indexes.byUserId.get(userId);
  }
}
