/**
 * The review snapshot: one source-neutral picture of an org, its apps and (when a source has
 * it) their traffic. Every source (a keygate.yaml file, Keygate's own store, Salesforce
 * metadata) maps into this shape, so that each control is written once.
 *
 * A fact a source could not read is an {@link UnknownFact} carrying the reason; a control
 * that needs it reports `unknown`, never a pass or a fail.
 */
import type { KeyType } from '../../domain/certificate.js';
import type { CredentialKind, LoginGrant } from '../../domain/login-event.js';

/** Where a fact was read: a file and, when known, a 1-based line. */
export interface EvidenceLocation {
  /** Path as the user gave it (relative paths stay relative, for SARIF and PR annotations). */
  readonly file: string;
  readonly line?: number;
  /** The element or key read, e.g. `apps.2.flows.clientCredentials` or `<ipRelaxation>`. */
  readonly element?: string;
}

/** A fact the source could not establish, with the reason shown to the reader. */
export class UnknownFact {
  constructor(readonly reason: string) {}
}

/** A value, or the reason it is not known. */
export type Maybe<T> = T | UnknownFact;

/** Builds an {@link UnknownFact}. */
export function unknownFact(reason: string): UnknownFact {
  return new UnknownFact(reason);
}

/** Whether a fact is missing from the source. */
export function isUnknown<T>(value: Maybe<T>): value is UnknownFact {
  return value instanceof UnknownFact;
}

/** Where a snapshot came from. */
export type SnapshotSourceKind = 'keygate-config' | 'keygate-store' | 'salesforce-metadata';

/**
 * Who may obtain a token through the app: a user (Keygate), or a profile or permission set
 * (Salesforce metadata, where users are not part of the source).
 */
export interface Principal {
  readonly kind: 'user' | 'profile' | 'permissionSet';
  readonly name: string;
  /** Admin-grade permissions it holds (see `ELEVATED_PERMISSIONS`). */
  readonly elevatedPermissions: readonly string[];
  /** Whether it can also sign in interactively (a password or console access). */
  readonly interactiveSignIn: Maybe<boolean>;
  /**
   * Whether it has a password it could trade for a token (the username-password flow); for a
   * profile or permission set, whether its users do. Kept apart from `interactiveSignIn`: a
   * Salesforce API Only user cannot sign in to the user interface, yet its password still
   * works through the API.
   */
  readonly hasPassword: Maybe<boolean>;
  readonly location?: EvidenceLocation;
}

/** A certificate's public facts; never its body. */
export interface SnapshotCertificate {
  readonly fingerprintSha256: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyType: KeyType;
  readonly keySize: number;
  /** Whether the key is too weak to accept (RSA below 2048 bits). */
  readonly weakKey: boolean;
}

/** Facts of an app that controls read; a control names the one it judged for evidence locations. */
export type AppFact =
  | 'flows.jwtBearer'
  | 'flows.clientCredentials'
  | 'flows.usernamePassword'
  | 'consumerSecret'
  | 'scopes'
  | 'certificates'
  | 'policies.permittedUsers'
  | 'policies.profiles'
  | 'policies.ipRelaxation'
  | 'policies.trustedIpRanges'
  | 'policies.sessionTimeoutMinutes'
  | 'clientCredentialsRunAs'
  | 'keyCustody'
  | 'requireJti'
  | 'assertionProfile';

/**
 * Facts only some sources hold (Salesforce metadata has them, a keygate.yaml does not). A
 * source without the setting leaves the field undefined, and the controls that read it
 * report `not_applicable`.
 */
export type SourceAppFact = 'pkceRequired' | 'refreshTokenRotation' | 'refreshTokenPolicy';

/** A refresh-token policy: how long a refresh token stays usable. */
export interface RefreshTokenPolicy {
  /** `infinite`: until revoked; `zero`: none issued; `lifetime`: fixed; `inactivity`: while used. */
  readonly kind: 'infinite' | 'zero' | 'lifetime' | 'inactivity';
  /** The period in minutes, for `lifetime` and `inactivity`. */
  readonly periodMinutes?: number;
  /** The value as the source wrote it, for evidence. */
  readonly raw: string;
}

/** One app as the review sees it. */
export interface SnapshotApp {
  readonly id: string | null;
  readonly name: string;
  /** Where the app is declared; a fact without its own location points here. */
  readonly location?: EvidenceLocation;
  readonly locations?: Partial<Record<AppFact | SourceAppFact, EvidenceLocation>>;
  /** What the source calls the app, when it has several kinds (Salesforce: new or legacy). */
  readonly kind?: 'externalClientApp' | 'connectedApp';
  readonly createdAt: Maybe<Date>;
  readonly flows: {
    readonly jwtBearer: Maybe<boolean>;
    readonly clientCredentials: Maybe<boolean>;
    readonly usernamePassword: Maybe<boolean>;
  };
  /** Whether a consumer secret exists for the app. */
  readonly hasConsumerSecret: Maybe<boolean>;
  /** When the current consumer secret was made; null when no secret exists. */
  readonly consumerSecretCreatedAt: Maybe<Date | null>;
  readonly scopes: Maybe<readonly string[]>;
  readonly certificates: Maybe<readonly SnapshotCertificate[]>;
  readonly permittedUsers: Maybe<'adminApproved' | 'selfAuthorized'>;
  /** Profiles the app pre-authorizes under `adminApproved` (a broad grant, unlike permission sets). */
  readonly preAuthorizedProfiles: Maybe<readonly string[]>;
  /**
   * Principals that can obtain a token: under `adminApproved` the pre-authorized ones, under
   * `selfAuthorized` those who approved the app.
   */
  readonly principals: Maybe<readonly Principal[]>;
  /** The client credentials run-as principal; null when none is configured. */
  readonly runAs: Maybe<Principal | null>;
  readonly ipRelaxation: Maybe<'enforce' | 'relax'>;
  readonly trustedIpRanges: Maybe<readonly string[]>;
  /** Access-token lifetime in minutes; null when the app sets none. */
  readonly sessionTimeoutMinutes: Maybe<number | null>;
  readonly keyCustody: Maybe<'file' | 'kms' | 'hsm'>;
  readonly requireJti: Maybe<boolean>;
  /** `salesforce-compat` accepts an assertion without a `jti` whatever `requireJti` says. */
  readonly assertionProfile: Maybe<'strict' | 'salesforce-compat'>;
  /**
   * Whether the app is enabled for OAuth as an integration even with no machine-to-machine flow
   * switched on (Salesforce: an External Client App with global OAuth settings); undefined when
   * the source's flows say it all (Keygate).
   */
  readonly oauthIntegration?: boolean;
  /** Whether the authorization code flow must use PKCE (RFC 7636); undefined when the source has no such setting. */
  readonly pkceRequired?: Maybe<boolean>;
  /** Whether each use of a refresh token replaces it; undefined when the source has no such setting. */
  readonly refreshTokenRotation?: Maybe<boolean>;
  /** How long refresh tokens live; undefined when the source has no such setting. */
  readonly refreshTokenPolicy?: Maybe<RefreshTokenPolicy>;
}

/** Org-wide facts. */
export interface SnapshotOrg {
  readonly id: string | null;
  readonly name: string;
  readonly location?: EvidenceLocation;
  readonly requireAsymmetricM2M: Maybe<boolean>;
  /** Longest accepted assertion lifetime in seconds (bounds the replay window without jti). */
  readonly maxAssertionLifetimeSeconds: Maybe<number>;
  /** Where org-wide facts only some sources hold were read. */
  readonly locations?: Partial<Record<OrgFact, EvidenceLocation>>;
  /** Whether PKCE is required org-wide for every authorization code flow; undefined when the source has no such setting. */
  readonly pkceRequired?: Maybe<boolean>;
  /** Whether consumer secrets can be read through the metadata API; undefined when the source has no such setting. */
  readonly secretsReadableViaMetadataApi?: Maybe<boolean>;
  /** Files where a consumer secret was actually retrieved: proof that secrets are readable through the metadata API. */
  readonly retrievedConsumerSecrets?: readonly EvidenceLocation[];
  /** Whether consumer secrets can be read through the REST API; undefined when the source has no such setting. */
  readonly secretsReadableViaRestApi?: Maybe<boolean>;
  /** Profiles and permission sets granting `UseAnyApiClient`; undefined when the source has no such permission. */
  readonly useAnyApiClient?: Maybe<readonly Principal[]>;
}

/** Org-wide facts only some sources hold, by where they were read. */
export type OrgFact = 'pkceRequired' | 'secretsReadableViaMetadataApi' | 'secretsReadableViaRestApi' | 'useAnyApiClient';

/** Token requests of one kind for one app, aggregated over the traffic window. */
export interface TrafficUsage {
  readonly grant: LoginGrant;
  readonly credential: CredentialKind;
  readonly outcome: 'success' | 'failure';
  readonly count: number;
  /** Distinct usernames, sorted; capped by the summarizer. */
  readonly users: readonly string[];
  readonly lastSeen: Date;
  /** Assertions among them that carried no `jti`. */
  readonly withoutJti: number;
}

/** A client address seen on successful token requests. */
export interface AddressUsage {
  readonly address: string;
  readonly count: number;
  readonly lastSeen: Date;
}

/** One app's traffic over the window. */
export interface AppTraffic {
  readonly appName: string;
  readonly appId: string | null;
  /** Last successful token request in the window; null when none. */
  readonly lastTokenAt: Date | null;
  readonly usage: readonly TrafficUsage[];
  /** Addresses of successful requests, most used first; capped by the summarizer. */
  readonly clientAddresses: readonly AddressUsage[];
  /** Scopes granted on issued tokens; null when the source does not record scopes. */
  readonly scopesUsed: readonly string[] | null;
}

/** What the login history says over a window. */
export interface TrafficSummary {
  readonly window: { readonly since: Date; readonly until: Date };
  /** Apps with at least one request in the window; an app missing here had none. */
  readonly apps: readonly AppTraffic[];
}

/** Everything a review reads. */
export interface Snapshot {
  readonly source: SnapshotSourceKind;
  /** The file or folder reviewed, when the source is one. */
  readonly origin?: string;
  /** The instant the review judges dates against. */
  readonly takenAt: Date;
  readonly org: SnapshotOrg;
  readonly apps: readonly SnapshotApp[];
  /** Null when the source has no login history (offline reviews). */
  readonly traffic: TrafficSummary | null;
}
