/**
 * Builders for review snapshots in tests: an app that passes every control unless told
 * otherwise, an org, and traffic.
 */
import { expect } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { inspectCertificatePem } from '../../src/platform/x509.js';
import type { AppTraffic, Principal, Snapshot, SnapshotApp, SnapshotCertificate, SnapshotOrg, TrafficSummary } from '../../src/review/engine/snapshot.js';

export const NOW = new Date('2025-06-01T12:00:00Z');
export const DAY = 86_400_000;

export function daysFromNow(days: number): Date {
  return new Date(NOW.getTime() + days * DAY);
}

/** A certificate's facts; real ones come from {@link generateCertificateFacts}. */
export function certificate(overrides: Partial<SnapshotCertificate> = {}): SnapshotCertificate {
  return {
    fingerprintSha256: 'ab'.repeat(32),
    subject: 'CN=integration',
    notBefore: daysFromNow(-30),
    notAfter: daysFromNow(335),
    keyType: 'RSA',
    keySize: 2048,
    weakKey: false,
    ...overrides,
  };
}

/** Generates a real certificate by code and returns its facts as the sources map them. */
export async function generateCertificateFacts(days: number, notBefore: Date = daysFromNow(-1)): Promise<{ pem: string; facts: SnapshotCertificate }> {
  const { certificatePem } = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'review-test', days, notBefore });
  const parsed = inspectCertificatePem(certificatePem);
  return {
    pem: certificatePem,
    facts: {
      fingerprintSha256: parsed.fingerprintSha256,
      subject: parsed.subject,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      keyType: parsed.keyType,
      keySize: parsed.keySize,
      weakKey: false,
    },
  };
}

export function user(name: string, overrides: Partial<Principal> = {}): Principal {
  return { kind: 'user', name, elevatedPermissions: [], interactiveSignIn: false, hasPassword: false, ...overrides };
}

/** An app that satisfies every control: JWT Bearer only, certificate, admin-approved, enforced IP. */
export function app(overrides: Partial<SnapshotApp> = {}): SnapshotApp {
  return {
    id: '0xI000000000000001',
    name: 'erp-sync',
    createdAt: daysFromNow(-400),
    flows: { jwtBearer: true, clientCredentials: false, usernamePassword: false },
    hasConsumerSecret: false,
    consumerSecretCreatedAt: null,
    scopes: ['api'],
    certificates: [certificate()],
    permittedUsers: 'adminApproved',
    preAuthorizedProfiles: [],
    principals: [user('erp@example.com')],
    runAs: null,
    ipRelaxation: 'enforce',
    trustedIpRanges: ['10.0.0.0/8'],
    sessionTimeoutMinutes: 30,
    keyCustody: 'file',
    requireJti: true,
    assertionProfile: 'strict',
    ...overrides,
  };
}

export function org(overrides: Partial<SnapshotOrg> = {}): SnapshotOrg {
  return { id: '00D000000000000001', name: 'Acme', requireAsymmetricM2M: true, maxAssertionLifetimeSeconds: 300, ...overrides };
}

export function traffic(apps: AppTraffic[], days = 90): TrafficSummary {
  return { window: { since: daysFromNow(-days), until: NOW }, apps };
}

export function appTraffic(name: string, overrides: Partial<AppTraffic> = {}): AppTraffic {
  return {
    appName: name,
    appId: null,
    lastTokenAt: daysFromNow(-1),
    usage: [
      { grant: 'jwt-bearer', credential: 'assertion', outcome: 'success', count: 40, users: ['erp@example.com'], lastSeen: daysFromNow(-1), withoutJti: 0 },
    ],
    clientAddresses: [{ address: '10.1.2.3', count: 40, lastSeen: daysFromNow(-1) }],
    scopesUsed: ['api'],
    ...overrides,
  };
}

export function snapshot(apps: SnapshotApp[], overrides: Partial<Snapshot> = {}): Snapshot {
  return { source: 'keygate-store', takenAt: NOW, org: org(), apps, traffic: null, ...overrides };
}

/** The {@link ConfigError} that `run` throws; fails the test when it throws anything else or nothing. */
export function configErrorFrom(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError; nothing was thrown');
}
