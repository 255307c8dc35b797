/**
 * Domain objects → admin API wire objects (camelCase JSON, dates as RFC 3339 strings). The only
 * place the admin API decides what leaves the server: consumer-secret hashes, password hashes and
 * TOTP secrets are never mapped, only whether they exist.
 */
import type { AppPolicies, ExternalClientApp, Flows } from '../../domain/app.js';
import type { Certificate } from '../../domain/certificate.js';
import type { LoginEvent } from '../../domain/login-event.js';
import type { Org } from '../../domain/org.js';
import type { User } from '../../domain/user.js';

export interface OrgDto {
  id: string;
  name: string;
  baseUrl: string;
  extraAudiences: string[];
  clockSkewSeconds: number;
  maxAssertionLifetimeSeconds: number;
  accessTokenLifetimeSeconds: number;
  requireAsymmetricM2M: boolean;
}

export interface UserDto {
  id: string;
  username: string;
  email: string;
  profile: string;
  permissionSets: string[];
  permissions: string[];
  active: boolean;
  locked: boolean;
  loginIpRanges: string[];
  approvedApps: string[];
  hasPassword: boolean;
  totpEnabled: boolean;
}

export interface CertificateDto {
  id: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  keyType: string;
  keySize: number;
  curve: string | null;
  addedAt: string;
}

export interface AppDto {
  id: string;
  name: string;
  consumerKey: string;
  hasConsumerSecret: boolean;
  consumerSecretCreatedAt: string | null;
  contactEmail: string;
  scopes: string[];
  flows: Flows;
  clientCredentialsRunAs: string | null;
  requireJti: boolean;
  accessTokenFormat: string;
  assertionProfile: string;
  keyCustody: string;
  policies: AppPolicies;
  certificates: CertificateDto[];
  createdAt: string;
  updatedAt: string;
}

/** An app in the one response that reveals its new consumer secret (create, rotate). */
export interface AppWithSecretDto extends AppDto {
  consumerSecret: string;
}

export interface LoginEventDto {
  id: string;
  at: string;
  appId: string | null;
  appName: string | null;
  userId: string | null;
  username: string | null;
  grant: string;
  credential: string;
  clientAddress: string;
  outcome: 'success' | 'failure';
  errorCode: string | null;
  reason: string;
  certificateFingerprint: string | null;
  jtiHash: string | null;
  scope: string | null;
}

export function toOrgDto(org: Org): OrgDto {
  return {
    id: org.id,
    name: org.name,
    baseUrl: org.baseUrl,
    extraAudiences: [...org.extraAudiences],
    clockSkewSeconds: org.clockSkewSeconds,
    maxAssertionLifetimeSeconds: org.maxAssertionLifetimeSeconds,
    accessTokenLifetimeSeconds: org.accessTokenLifetimeSeconds,
    requireAsymmetricM2M: org.requireAsymmetricM2M,
  };
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    profile: user.profile,
    permissionSets: [...user.permissionSets],
    permissions: [...user.permissions],
    active: user.active,
    locked: user.locked,
    loginIpRanges: [...user.loginIpRanges],
    approvedApps: [...user.approvedApps],
    hasPassword: user.passwordHash !== null,
    totpEnabled: user.totpSecret !== null,
  };
}

export function toCertificateDto(cert: Certificate): CertificateDto {
  return {
    id: cert.id,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprintSha256: cert.fingerprintSha256,
    keyType: cert.keyType,
    keySize: cert.keySize,
    curve: cert.curve,
    addedAt: cert.addedAt.toISOString(),
  };
}

export function toAppDto(app: ExternalClientApp): AppDto {
  return {
    id: app.id,
    name: app.name,
    consumerKey: app.consumerKey,
    hasConsumerSecret: app.consumerSecretHash !== null,
    consumerSecretCreatedAt: app.consumerSecretCreatedAt?.toISOString() ?? null,
    contactEmail: app.contactEmail,
    scopes: [...app.scopes],
    flows: { ...app.flows },
    clientCredentialsRunAs: app.clientCredentialsRunAs,
    requireJti: app.requireJti,
    accessTokenFormat: app.accessTokenFormat,
    assertionProfile: app.assertionProfile,
    keyCustody: app.keyCustody,
    policies: {
      ...app.policies,
      profiles: [...app.policies.profiles],
      permissionSets: [...app.policies.permissionSets],
      trustedIpRanges: [...app.policies.trustedIpRanges],
    },
    certificates: app.certificates.map(toCertificateDto),
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

export function toAppWithSecretDto(app: ExternalClientApp, consumerSecret: string): AppWithSecretDto {
  return { ...toAppDto(app), consumerSecret };
}

export function toLoginEventDto(event: LoginEvent): LoginEventDto {
  return {
    id: event.id,
    at: event.at.toISOString(),
    appId: event.appId,
    appName: event.appName,
    userId: event.userId,
    username: event.username,
    grant: event.grant,
    credential: event.credential,
    clientAddress: event.clientAddress,
    outcome: event.outcome,
    errorCode: event.errorCode,
    reason: event.reason,
    certificateFingerprint: event.certificateFingerprint,
    jtiHash: event.jtiHash,
    scope: event.scope,
  };
}

/** Columns of the CSV export, in order; the header row uses these names. */
export const LOGIN_EVENT_CSV_COLUMNS = [
  'at',
  'outcome',
  'grant',
  'appName',
  'username',
  'clientAddress',
  'errorCode',
  'reason',
  'credential',
  'certificateFingerprint',
  'jtiHash',
  'appId',
  'userId',
  'id',
  'scope',
] as const satisfies readonly (keyof LoginEventDto)[];
