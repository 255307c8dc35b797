import type { Certificate } from './certificate.js';

export type FlowName = 'jwtBearer' | 'clientCredentials' | 'usernamePassword';
export type AccessTokenFormat = 'jwt' | 'opaque';
export type PermittedUsers = 'adminApproved' | 'selfAuthorized';
export type IpRelaxation = 'enforce' | 'relax';
export type AssertionProfile = 'strict' | 'salesforce-compat';
/** Where the integration keeps its private key; `kms` and `hsm` are the seed's low-risk condition. */
export type KeyCustody = 'file' | 'kms' | 'hsm';

export interface Flows {
  readonly jwtBearer: boolean;
  readonly clientCredentials: boolean;
  /** Legacy, off by default. */
  readonly usernamePassword: boolean;
}

export interface AppPolicies {
  readonly permittedUsers: PermittedUsers;
  /** Profiles pre-authorized when `permittedUsers` is `adminApproved`. */
  readonly profiles: readonly string[];
  /** Permission sets pre-authorized when `permittedUsers` is `adminApproved`. */
  readonly permissionSets: readonly string[];
  readonly ipRelaxation: IpRelaxation;
  /** CIDR ranges a client must come from when `ipRelaxation` is `enforce`. */
  readonly trustedIpRanges: readonly string[];
  /** Access-token lifetime for this app, in minutes. */
  readonly sessionTimeoutMinutes: number;
}

/** An External Client App: one integration, its credentials, flows and policies. */
export interface ExternalClientApp {
  /** Salesforce-style 18-character id (prefix `0xI`). */
  readonly id: string;
  readonly name: string;
  readonly consumerKey: string;
  /** scrypt hash of the consumer secret; the secret itself is never stored. */
  readonly consumerSecretHash: string | null;
  readonly consumerSecretCreatedAt: Date | null;
  readonly contactEmail: string;
  readonly scopes: readonly string[];
  readonly flows: Flows;
  /** Username the client credentials flow acts as. */
  readonly clientCredentialsRunAs: string | null;
  readonly requireJti: boolean;
  readonly accessTokenFormat: AccessTokenFormat;
  readonly assertionProfile: AssertionProfile;
  readonly keyCustody: KeyCustody;
  readonly policies: AppPolicies;
  readonly certificates: readonly Certificate[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The scope whose tokens open the admin API (with a user holding ManageUsers). */
export const ADMIN_SCOPE = 'admin';

/**
 * Most certificates one app holds: enough for a rotation with room to spare, and no more than
 * an assertion without a `kid` is checked against, so every certificate can always sign.
 */
export const MAX_CERTIFICATES_PER_APP = 8;

export const DEFAULT_FLOWS: Flows = { jwtBearer: false, clientCredentials: false, usernamePassword: false };

export const DEFAULT_POLICIES: AppPolicies = {
  permittedUsers: 'adminApproved',
  profiles: [],
  permissionSets: [],
  ipRelaxation: 'enforce',
  trustedIpRanges: [],
  sessionTimeoutMinutes: 60,
};

/** Flows that authenticate one machine to another (as opposed to a person signing in). */
export function usesMachineToMachine(app: Pick<ExternalClientApp, 'flows'>): boolean {
  return app.flows.jwtBearer || app.flows.clientCredentials || app.flows.usernamePassword;
}

/** Flows that rely on a static secret (consumer secret or a user's password). */
export function secretBasedFlows(app: Pick<ExternalClientApp, 'flows' | 'consumerSecretHash'>): FlowName[] {
  const flows: FlowName[] = [];
  if (app.flows.clientCredentials && app.consumerSecretHash !== null) flows.push('clientCredentials');
  if (app.flows.usernamePassword) flows.push('usernamePassword');
  return flows;
}
