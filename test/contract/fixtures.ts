/** Domain objects for the contract suites; the certificate is generated here, never pasted. */
import { randomUUID } from 'node:crypto';
import type { AppRow } from '../../src/admin/ports.js';
import { DEFAULT_FLOWS, DEFAULT_POLICIES } from '../../src/domain/app.js';
import type { Certificate } from '../../src/domain/certificate.js';
import type { LoginEvent } from '../../src/domain/login-event.js';
import type { Org } from '../../src/domain/org.js';
import type { User } from '../../src/domain/user.js';
import { newId } from '../../src/platform/ids.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { inspectCertificatePem } from '../../src/platform/x509.js';

export function anOrg(overrides: Partial<Org> = {}): Org {
  return {
    id: newId('00D'),
    name: 'Contract Org',
    baseUrl: 'https://keygate.test',
    extraAudiences: ['https://login.salesforce.com'],
    clockSkewSeconds: 30,
    maxAssertionLifetimeSeconds: 300,
    accessTokenLifetimeSeconds: 3600,
    requireAsymmetricM2M: false,
    ...overrides,
  };
}

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: newId('005'),
    username: `user-${randomUUID()}@example.com`,
    email: 'user@example.com',
    profile: 'Integration',
    permissionSets: ['API'],
    permissions: ['ApiEnabled'],
    active: true,
    locked: false,
    loginIpRanges: ['10.0.0.0/8'],
    approvedApps: [],
    passwordHash: null,
    totpSecret: null,
    tokensRevokedAt: null,
    ...overrides,
  };
}

export function anApp(overrides: Partial<AppRow> = {}): AppRow {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    id: newId('0xI'),
    name: `app-${randomUUID()}`,
    consumerKey: `key-${randomUUID()}`,
    consumerSecretHash: null,
    consumerSecretCreatedAt: null,
    contactEmail: 'owner@example.com',
    scopes: ['api', 'refresh_token'],
    flows: { ...DEFAULT_FLOWS, jwtBearer: true },
    clientCredentialsRunAs: null,
    requireJti: true,
    accessTokenFormat: 'jwt',
    assertionProfile: 'strict',
    keyCustody: 'file',
    policies: { ...DEFAULT_POLICIES, profiles: ['Integration'] },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export async function aCertificate(): Promise<Certificate> {
  const generated = await generateKeyPairWithCertificate({ alg: 'ES256', subject: `contract-${randomUUID()}`, days: 30 });
  const parsed = inspectCertificatePem(generated.certificatePem);
  return {
    id: newId('0Ya'),
    pem: parsed.pem,
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialNumber: parsed.serialNumber,
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    fingerprintSha256: parsed.fingerprintSha256,
    keyType: parsed.keyType,
    keySize: parsed.keySize,
    curve: parsed.curve,
    addedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
  };
}

export function aLoginEvent(overrides: Partial<LoginEvent> = {}): LoginEvent {
  return {
    id: randomUUID(),
    at: new Date(),
    appId: null,
    appName: 'erp',
    userId: null,
    username: 'integration@example.com',
    grant: 'jwt-bearer',
    credential: 'assertion',
    clientAddress: '127.0.0.1',
    outcome: 'success',
    errorCode: null,
    reason: 'ok',
    certificateFingerprint: null,
    jtiHash: null,
    scope: 'api',
    ...overrides,
  };
}
