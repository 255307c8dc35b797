import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { ExternalClientApp } from '../../src/domain/app.js';
import { DEFAULT_POLICIES } from '../../src/domain/app.js';
import type { LoginEvent } from '../../src/domain/login-event.js';
import type { Org } from '../../src/domain/org.js';
import type { User } from '../../src/domain/user.js';
import { inspectCertificatePem } from '../../src/platform/x509.js';
import { runReview } from '../../src/review/index.js';
import { isUnknown } from '../../src/review/engine/snapshot.js';
import { snapshotFromConfig } from '../../src/review/sources/from-config.js';
import { NoOrgError, snapshotFromStore, type ReviewStore } from '../../src/review/sources/from-store.js';
import { summarizeLoginEvents } from '../../src/review/sources/summarize-login-events.js';
import { daysFromNow, generateCertificateFacts, NOW } from './helpers.js';

const YAML = `org:
  name: Acme
  baseUrl: https://keygate.example.com
users:
  - username: admin@example.com
    profile: System Administrator
    permissions: [ModifyAllData]
  - username: erp@example.com
    profile: Integration
    permissionSets: [ERP Integration]
    passwordEnv: ERP_PASSWORD
apps:
  - name: erp-sync
    certificates:
      - file: erp.crt.pem
    flows:
      jwtBearer: true
    keyCustody: kms
    policies:
      permissionSets: [ERP Integration]
      trustedIpRanges: [10.0.0.0/8]
  - name: legacy-crm
    flows:
      clientCredentials: true
    consumerSecretEnv: CRM_SECRET
    clientCredentialsRunAs: admin@example.com
    scopes: [api, full]
    policies:
      ipRelaxation: relax
`;

describe('snapshotFromConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keygate-review-'));
    const { pem } = await generateCertificateFacts(365);
    writeFileSync(join(dir, 'erp.crt.pem'), pem);
    writeFileSync(join(dir, 'keygate.yaml'), YAML);
  });

  function load() {
    const file = join(dir, 'keygate.yaml');
    const config = loadConfigFile(file, { ERP_PASSWORD: 'correct horse battery', CRM_SECRET: 's'.repeat(40) });
    return snapshotFromConfig(config, { now: NOW, file: 'keygate.yaml', text: readFileSync(file, 'utf8') });
  }

  it('maps apps, principals and certificates, and leaves dates a file cannot hold unknown', () => {
    const snap = load();
    expect(snap.source).toBe('keygate-config');
    expect(snap.traffic).toBeNull();
    const [erp, crm] = snap.apps;
    expect(erp!.principals).toEqual([{ kind: 'user', name: 'erp@example.com', elevatedPermissions: [], interactiveSignIn: true, hasPassword: true }]);
    expect(isUnknown(erp!.certificates)).toBe(false);
    expect(isUnknown(erp!.certificates) ? null : erp!.certificates[0]!.keyType).toBe('EC');
    expect(crm!.runAs).toMatchObject({ name: 'admin@example.com', elevatedPermissions: ['ModifyAllData'] });
    expect(crm!.hasConsumerSecret).toBe(true);
    expect(isUnknown(crm!.consumerSecretCreatedAt)).toBe(true);
    expect(isUnknown(crm!.createdAt)).toBe(true);
  });

  it('points findings at the line of the key that set them', () => {
    const result = runReview(load());
    const scope = result.findings.find((f) => f.control === 'eca.oauth-scope.least-privilege' && f.subject === 'legacy-crm')!;
    expect(scope.status).toBe('fail');
    expect(scope.location).toEqual({ file: 'keygate.yaml', line: 27, element: 'apps.1.scopes' });
    const seed = result.findings.find((f) => f.control === 'eca.oauth-flow.jwt-bearer-enabled' && f.subject === 'legacy-crm')!;
    expect(seed.location).toMatchObject({ file: 'keygate.yaml', line: 22, element: 'apps.1' });
    const org = result.findings.find((f) => f.control === 'org.m2m.asymmetric-required')!;
    expect(org.location).toMatchObject({ file: 'keygate.yaml', line: 1 });
  });

  it('reviews offline: the seed passes with a KMS key and fails for the secret-based app', () => {
    const result = runReview(load());
    const status = (control: string, subject: string) => result.findings.find((f) => f.control === control && f.subject === subject)!.status;
    expect(status('eca.oauth-flow.jwt-bearer-enabled', 'erp-sync')).toBe('pass');
    expect(status('eca.oauth-flow.jwt-bearer-enabled', 'legacy-crm')).toBe('fail');
    expect(status('eca.consumer-secret.rotation', 'legacy-crm')).toBe('unknown');
    expect(status('traffic.secret-authentication', 'legacy-crm')).toBe('not_applicable');
    expect(status('eca.integration-user.least-privilege', 'erp-sync')).toBe('warn');
  });
});

const ORG: Org = {
  id: '00D000000000000AAA',
  name: 'Acme',
  baseUrl: 'https://keygate.example.com',
  extraAudiences: [],
  clockSkewSeconds: 30,
  maxAssertionLifetimeSeconds: 300,
  accessTokenLifetimeSeconds: 3600,
  requireAsymmetricM2M: false,
};

function storedUser(username: string, overrides: Partial<User> = {}): User {
  return {
    id: `005${username.length.toString().padStart(15, '0')}`,
    username,
    email: username,
    profile: 'Integration',
    permissionSets: ['ERP'],
    permissions: [],
    active: true,
    locked: false,
    loginIpRanges: [],
    approvedApps: [],
    passwordHash: null,
    totpSecret: null,
    tokensRevokedAt: null,
    ...overrides,
  };
}

function storedApp(name: string, overrides: Partial<ExternalClientApp> = {}): ExternalClientApp {
  return {
    id: `0xI${name.padEnd(15, '0').slice(0, 15)}`,
    name,
    consumerKey: `key-${name}`,
    consumerSecretHash: null,
    consumerSecretCreatedAt: null,
    contactEmail: 'owner@example.com',
    scopes: ['api'],
    flows: { jwtBearer: true, clientCredentials: false, usernamePassword: false },
    clientCredentialsRunAs: null,
    requireJti: true,
    accessTokenFormat: 'jwt',
    assertionProfile: 'strict',
    keyCustody: 'file',
    policies: { ...DEFAULT_POLICIES, permissionSets: ['ERP'], trustedIpRanges: ['10.0.0.0/8'] },
    certificates: [],
    createdAt: daysFromNow(-400),
    updatedAt: daysFromNow(-400),
    ...overrides,
  };
}

let seq = 0;
function event(overrides: Partial<LoginEvent>): LoginEvent {
  seq += 1;
  return {
    id: `evt-${seq}`,
    at: daysFromNow(-1),
    appId: null,
    appName: 'erp-sync',
    userId: null,
    username: 'erp@example.com',
    grant: 'jwt-bearer',
    credential: 'assertion',
    clientAddress: '10.1.2.3',
    outcome: 'success',
    errorCode: null,
    reason: 'ok',
    certificateFingerprint: null,
    jtiHash: 'h',
    scope: 'api',
    ...overrides,
  };
}

describe('summarizeLoginEvents', () => {
  it('aggregates per app, grant, credential and outcome inside the window', () => {
    const events = [
      event({}),
      event({ at: daysFromNow(-3), jtiHash: null }),
      event({ appName: 'legacy', grant: 'client-credentials', credential: 'client-secret', username: 'svc@example.com', clientAddress: '203.0.113.9', at: daysFromNow(-2) }),
      event({ appName: 'legacy', grant: 'client-credentials', credential: 'client-secret', username: 'svc@example.com', clientAddress: '203.0.113.9', at: daysFromNow(-5) }),
      event({ appName: 'legacy', grant: 'password', credential: 'password', outcome: 'failure', username: 'bob@example.com', at: daysFromNow(-4) }),
      event({ appName: 'legacy', at: daysFromNow(-200) }),
      event({ appName: null }),
    ];
    const summary = summarizeLoginEvents(events, { since: daysFromNow(-90), until: NOW });
    expect(summary.apps.map((a) => a.appName)).toEqual(['erp-sync', 'legacy']);
    const erp = summary.apps[0]!;
    expect(erp.usage).toEqual([
      { grant: 'jwt-bearer', credential: 'assertion', outcome: 'success', count: 2, users: ['erp@example.com'], lastSeen: daysFromNow(-1), withoutJti: 1 },
    ]);
    const legacy = summary.apps[1]!;
    expect(legacy.lastTokenAt).toEqual(daysFromNow(-2));
    expect(legacy.clientAddresses).toEqual([{ address: '203.0.113.9', count: 2, lastSeen: daysFromNow(-2) }]);
    expect(legacy.usage.find((u) => u.credential === 'client-secret')).toMatchObject({ count: 2, users: ['svc@example.com'] });
  });
});

describe('snapshotFromStore', () => {
  function store(events: LoginEvent[]): ReviewStore {
    const users = [storedUser('erp@example.com'), storedUser('svc@example.com', { permissions: ['ViewAllData'], permissionSets: [], passwordHash: 'scrypt$x' })];
    const apps = [
      storedApp('erp-sync'),
      storedApp('legacy', {
        flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
        consumerSecretHash: 'scrypt$y',
        consumerSecretCreatedAt: daysFromNow(-30),
        clientCredentialsRunAs: 'svc@example.com',
      }),
      storedApp('forgotten', { createdAt: daysFromNow(-300) }),
    ];
    return {
      getOrg: async () => ORG,
      listUsers: async () => users,
      listApps: async () => apps,
      summarizeTraffic: async (window) => summarizeLoginEvents(events, window),
    };
  }

  it('adds the traffic-aware findings from the login history', async () => {
    const events = [
      event({}),
      event({ appName: 'legacy', grant: 'client-credentials', credential: 'client-secret', username: 'svc@example.com', at: daysFromNow(-2) }),
      event({ appName: 'legacy', grant: 'client-credentials', credential: 'client-secret', username: 'svc@example.com', at: daysFromNow(-9) }),
    ];
    const snap = await snapshotFromStore(store(events), { now: NOW });
    expect(snap.traffic?.window).toEqual({ since: daysFromNow(-90), until: NOW });
    const result = runReview(snap);
    const get = (control: string, subject: string) => result.findings.find((f) => f.control === control && f.subject === subject)!;
    expect(get('traffic.secret-authentication', 'legacy')).toMatchObject({
      status: 'fail',
      evidence: '2 token requests were authenticated with a secret by svc@example.com, last on 2025-05-30.',
    });
    expect(get('traffic.secret-authentication', 'erp-sync').status).toBe('pass');
    expect(get('traffic.dormant-app', 'forgotten').status).toBe('fail');
    expect(get('traffic.dormant-app', 'erp-sync').status).toBe('pass');
    const seed = get('eca.oauth-flow.jwt-bearer-enabled', 'legacy');
    expect(seed.status).toBe('fail');
    expect(seed.conditions.map((c) => c.id)).toEqual(['elevated-integration-user']);
    expect(seed.cvss!.score).toBeGreaterThanOrEqual(8.0);
    expect(get('eca.consumer-secret.rotation', 'legacy').status).toBe('pass');
  });

  it('refuses a store without an org', async () => {
    const empty: ReviewStore = { ...store([]), getOrg: async () => undefined };
    await expect(snapshotFromStore(empty, { now: NOW })).rejects.toBeInstanceOf(NoOrgError);
  });

  it('maps real certificates from the store', async () => {
    const { pem } = await generateCertificateFacts(10);
    const parsed = inspectCertificatePem(pem);
    const s = store([event({})]);
    const apps = await s.listApps();
    const withCert: ReviewStore = {
      ...s,
      listApps: async () =>
        apps.map((a) =>
          a.name === 'erp-sync'
            ? { ...a, certificates: [{ id: 'c1', pem, subject: parsed.subject, issuer: parsed.issuer, serialNumber: parsed.serialNumber, notBefore: parsed.notBefore, notAfter: parsed.notAfter, fingerprintSha256: parsed.fingerprintSha256, keyType: parsed.keyType, keySize: parsed.keySize, curve: parsed.curve, addedAt: NOW }] }
            : a,
        ),
    };
    const result = runReview(await snapshotFromStore(withCert, { now: NOW }));
    const cert = result.findings.find((f) => f.control === 'eca.certificate.health' && f.subject === 'erp-sync')!;
    expect(cert.status).toBe('warn');
    expect(cert.evidence).toContain('no successor');
    expect(JSON.stringify(result)).not.toContain('BEGIN CERTIFICATE');
  });
});
