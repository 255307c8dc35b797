/** Row ⇄ domain mappers, shared by every SQL backend. */
import type { AppPolicies, ExternalClientApp } from '../../domain/app.js';
import type { Certificate, KeyType } from '../../domain/certificate.js';
import type { LoginEvent } from '../../domain/login-event.js';
import type { Org } from '../../domain/org.js';
import { usernameKey, type User } from '../../domain/user.js';
import type { AppRow } from '../../admin/ports.js';
import type { OpaqueTokenRecord } from '../../oauth/ports.js';
import type { AppTable, CertificateTable, LoginHistoryTable, OpaqueTokenTable, OrgTable, UserTable } from './tables.js';

const json = (value: unknown): string => JSON.stringify(value);
const list = (text: string): string[] => JSON.parse(text) as string[];
const bool = (n: number | boolean): boolean => Number(n) === 1 || n === true;
const flag = (b: boolean): number => (b ? 1 : 0);

export function orgToRow(org: Org): OrgTable {
  return {
    id: org.id,
    name: org.name,
    base_url: org.baseUrl,
    extra_audiences: json(org.extraAudiences),
    clock_skew_seconds: org.clockSkewSeconds,
    max_assertion_lifetime_seconds: org.maxAssertionLifetimeSeconds,
    access_token_lifetime_seconds: org.accessTokenLifetimeSeconds,
    require_asymmetric_m2m: flag(org.requireAsymmetricM2M),
  };
}

export function orgFromRow(row: OrgTable): Org {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.base_url,
    extraAudiences: list(row.extra_audiences),
    clockSkewSeconds: Number(row.clock_skew_seconds),
    maxAssertionLifetimeSeconds: Number(row.max_assertion_lifetime_seconds),
    accessTokenLifetimeSeconds: Number(row.access_token_lifetime_seconds),
    requireAsymmetricM2M: bool(row.require_asymmetric_m2m),
  };
}

export function userToRow(user: User): UserTable {
  return {
    id: user.id,
    username: user.username,
    username_key: usernameKey(user.username),
    email: user.email,
    profile: user.profile,
    permission_sets: json(user.permissionSets),
    permissions: json(user.permissions),
    active: flag(user.active),
    locked: flag(user.locked),
    login_ip_ranges: json(user.loginIpRanges),
    approved_apps: json(user.approvedApps),
    password_hash: user.passwordHash,
    totp_secret: user.totpSecret,
    tokens_revoked_at: user.tokensRevokedAt?.getTime() ?? null,
  };
}

export function userFromRow(row: UserTable): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    profile: row.profile,
    permissionSets: list(row.permission_sets),
    permissions: list(row.permissions),
    active: bool(row.active),
    locked: bool(row.locked),
    loginIpRanges: list(row.login_ip_ranges),
    approvedApps: list(row.approved_apps),
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    tokensRevokedAt: row.tokens_revoked_at === null ? null : new Date(Number(row.tokens_revoked_at)),
  };
}

export function appToRow(app: AppRow): AppTable {
  return {
    id: app.id,
    name: app.name,
    consumer_key: app.consumerKey,
    consumer_secret_hash: app.consumerSecretHash,
    consumer_secret_created_at: app.consumerSecretCreatedAt?.getTime() ?? null,
    contact_email: app.contactEmail,
    scopes: json(app.scopes),
    flow_jwt_bearer: flag(app.flows.jwtBearer),
    flow_client_credentials: flag(app.flows.clientCredentials),
    flow_username_password: flag(app.flows.usernamePassword),
    client_credentials_run_as: app.clientCredentialsRunAs,
    require_jti: flag(app.requireJti),
    access_token_format: app.accessTokenFormat,
    assertion_profile: app.assertionProfile,
    key_custody: app.keyCustody,
    policies: json(app.policies),
    created_at: app.createdAt.getTime(),
    updated_at: app.updatedAt.getTime(),
  };
}

export function appFromRow(row: AppTable, certificates: Certificate[]): ExternalClientApp {
  return {
    id: row.id,
    name: row.name,
    consumerKey: row.consumer_key,
    consumerSecretHash: row.consumer_secret_hash,
    consumerSecretCreatedAt: row.consumer_secret_created_at === null ? null : new Date(Number(row.consumer_secret_created_at)),
    contactEmail: row.contact_email,
    scopes: list(row.scopes),
    flows: {
      jwtBearer: bool(row.flow_jwt_bearer),
      clientCredentials: bool(row.flow_client_credentials),
      usernamePassword: bool(row.flow_username_password),
    },
    clientCredentialsRunAs: row.client_credentials_run_as,
    requireJti: bool(row.require_jti),
    accessTokenFormat: row.access_token_format as ExternalClientApp['accessTokenFormat'],
    assertionProfile: row.assertion_profile as ExternalClientApp['assertionProfile'],
    keyCustody: row.key_custody as ExternalClientApp['keyCustody'],
    policies: JSON.parse(row.policies) as AppPolicies,
    certificates,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export function certificateToRow(appId: string, cert: Certificate): CertificateTable {
  return {
    id: cert.id,
    app_id: appId,
    pem: cert.pem,
    subject: cert.subject,
    issuer: cert.issuer,
    serial_number: cert.serialNumber,
    not_before: cert.notBefore.getTime(),
    not_after: cert.notAfter.getTime(),
    fingerprint_sha256: cert.fingerprintSha256,
    key_type: cert.keyType,
    key_size: cert.keySize,
    curve: cert.curve,
    added_at: cert.addedAt.getTime(),
  };
}

export function certificateFromRow(row: CertificateTable): Certificate {
  return {
    id: row.id,
    pem: row.pem,
    subject: row.subject,
    issuer: row.issuer,
    serialNumber: row.serial_number,
    notBefore: new Date(Number(row.not_before)),
    notAfter: new Date(Number(row.not_after)),
    fingerprintSha256: row.fingerprint_sha256,
    keyType: row.key_type as KeyType,
    keySize: Number(row.key_size),
    curve: row.curve,
    addedAt: new Date(Number(row.added_at)),
  };
}

export function loginEventToRow(event: LoginEvent): Omit<LoginHistoryTable, 'seq'> {
  return {
    id: event.id,
    at: event.at.getTime(),
    app_id: event.appId,
    app_name: event.appName,
    user_id: event.userId,
    username: event.username,
    grant_type: event.grant,
    credential: event.credential,
    client_address: event.clientAddress,
    outcome: event.outcome,
    error_code: event.errorCode,
    reason: event.reason,
    certificate_fingerprint: event.certificateFingerprint,
    jti_hash: event.jtiHash,
    scope: event.scope,
  };
}

export function loginEventFromRow(row: Omit<LoginHistoryTable, 'seq'>): LoginEvent {
  return {
    id: row.id,
    at: new Date(Number(row.at)),
    appId: row.app_id,
    appName: row.app_name,
    userId: row.user_id,
    username: row.username,
    grant: row.grant_type as LoginEvent['grant'],
    credential: row.credential as LoginEvent['credential'],
    clientAddress: row.client_address,
    outcome: row.outcome as LoginEvent['outcome'],
    errorCode: row.error_code,
    reason: row.reason,
    certificateFingerprint: row.certificate_fingerprint,
    jtiHash: row.jti_hash,
    scope: row.scope,
  };
}

/** An opaque token's record; the times may arrive as strings (PostgreSQL's bigint). */
export function opaqueTokenFromRow(row: Omit<OpaqueTokenTable, 'token_hash'>): OpaqueTokenRecord {
  return {
    tokenId: row.token_id,
    appId: row.app_id,
    userId: row.user_id,
    scope: row.scope,
    issuedAt: Number(row.issued_at_s),
    expiresAt: Number(row.expires_at_s),
  };
}
