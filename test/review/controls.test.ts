import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import { failOnExitCode } from '../../src/review/engine/fail-on.js';
import { reviewSnapshot, type Finding } from '../../src/review/engine/review.js';
import { unknownFact, type Snapshot } from '../../src/review/engine/snapshot.js';
import { app, appTraffic, certificate, daysFromNow, org, snapshot, traffic, user } from './helpers.js';

type Case = 'pass' | 'warn' | 'fail' | 'not_applicable';

const NO_FLOWS = { jwtBearer: false, clientCredentials: false, usernamePassword: false };
const CC_ONLY = { jwtBearer: false, clientCredentials: true, usernamePassword: false };
const JWT_AND_CC = { jwtBearer: true, clientCredentials: true, usernamePassword: false };
const JWT_AND_UP = { jwtBearer: true, clientCredentials: false, usernamePassword: true };
const secretApp = { hasConsumerSecret: true, consumerSecretCreatedAt: daysFromNow(-10) };
const withTraffic = (t: ReturnType<typeof appTraffic>): Snapshot => snapshot([app()], { traffic: traffic([t]) });

/** Four fixtures per control, named after the status each must produce. */
const CASES: Record<string, Record<Case, () => Snapshot>> = {
  'eca.oauth-flow.jwt-bearer-enabled': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ flows: JWT_AND_CC, ...secretApp, runAs: user('erp@example.com') })]),
    fail: () => snapshot([app({ flows: CC_ONLY, ...secretApp, runAs: user('erp@example.com') })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.oauth-flow.client-credentials-constrained': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ flows: JWT_AND_CC, ...secretApp, runAs: user('erp@example.com') })]),
    fail: () => snapshot([app({ flows: CC_ONLY, ...secretApp, runAs: null })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.oauth-flow.username-password-disabled': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ flows: JWT_AND_UP })]),
    fail: () => snapshot([app({ flows: JWT_AND_UP, principals: [user('erp@example.com', { interactiveSignIn: true, hasPassword: true })] })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.oauth-scope.least-privilege': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ scopes: ['api', 'refresh_token'] })]),
    fail: () => snapshot([app({ scopes: ['api', 'full'] })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.policy.permitted-users-admin-approved': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ preAuthorizedProfiles: ['Integration'] })]),
    fail: () => snapshot([app({ permittedUsers: 'selfAuthorized' })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.policy.ip-relaxation-enforced': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ trustedIpRanges: [] })]),
    fail: () => snapshot([app({ ipRelaxation: 'relax', flows: CC_ONLY, ...secretApp })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.policy.session-timeout': {
    pass: () => snapshot([app({ sessionTimeoutMinutes: 60 })]),
    warn: () => snapshot([app({ sessionTimeoutMinutes: 90 })]),
    fail: () => snapshot([app({ sessionTimeoutMinutes: 240 })]),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })]),
  },
  'eca.certificate.health': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ certificates: [certificate({ notAfter: daysFromNow(10) })] })]),
    fail: () => snapshot([app({ certificates: [certificate({ keySize: 1024, weakKey: true })] })]),
    not_applicable: () => snapshot([app({ flows: CC_ONLY, ...secretApp, certificates: [] })]),
  },
  'eca.integration-user.least-privilege': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ principals: [user('erp@example.com', { interactiveSignIn: true })] })]),
    fail: () => snapshot([app({ principals: [user('admin@example.com', { elevatedPermissions: ['ModifyAllData'] })] })]),
    not_applicable: () => snapshot([app({ principals: [], runAs: null })]),
  },
  'eca.consumer-secret.rotation': {
    pass: () => snapshot([app({ flows: JWT_AND_CC, ...secretApp })]),
    warn: () => snapshot([app({ ...secretApp })]),
    fail: () => snapshot([app({ flows: JWT_AND_CC, hasConsumerSecret: true, consumerSecretCreatedAt: daysFromNow(-400) })]),
    not_applicable: () => snapshot([app()]),
  },
  'eca.replay.require-jti': {
    pass: () => snapshot([app()]),
    warn: () => snapshot([app({ requireJti: false })], { org: org({ maxAssertionLifetimeSeconds: 60 }) }),
    fail: () => snapshot([app({ requireJti: false })], { org: org({ maxAssertionLifetimeSeconds: 300 }) }),
    not_applicable: () => snapshot([app({ flows: CC_ONLY, ...secretApp })]),
  },
  'org.m2m.asymmetric-required': {
    pass: () => snapshot([app({ flows: CC_ONLY, ...secretApp })]),
    warn: () => snapshot([app()], { org: org({ requireAsymmetricM2M: false }) }),
    fail: () => snapshot([app(), app({ name: 'legacy', flows: CC_ONLY, ...secretApp })], { org: org({ requireAsymmetricM2M: false }) }),
    not_applicable: () => snapshot([app({ flows: NO_FLOWS })], { org: org({ requireAsymmetricM2M: false }) }),
  },
  // Controls for facts only Salesforce metadata holds (test/review/salesforce/ reviews real files).
  'eca.security.pkce-required': {
    pass: () => snapshot([app({ pkceRequired: true })], { org: org({ pkceRequired: false }) }),
    warn: () => snapshot([app({ pkceRequired: false })], { org: org({ pkceRequired: false }) }),
    fail: () => snapshot([app({ pkceRequired: false, flows: CC_ONLY, ...secretApp })], { org: org({ pkceRequired: false }) }),
    not_applicable: () => snapshot([app()]),
  },
  'eca.security.refresh-token-rotation': {
    pass: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: true, refreshTokenPolicy: { kind: 'infinite', raw: 'infinite' } })]),
    warn: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: false, refreshTokenPolicy: { kind: 'lifetime', periodMinutes: 1440, raw: 'SpecificLifetime 1 Days' } })]),
    fail: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: false, refreshTokenPolicy: { kind: 'infinite', raw: 'infinite' } })]),
    not_applicable: () => snapshot([app()]),
  },
  'eca.policy.refresh-token-lifetime': {
    pass: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: true, refreshTokenPolicy: { kind: 'lifetime', periodMinutes: 1440, raw: 'SpecificLifetime 1 Days' } })]),
    warn: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: true, refreshTokenPolicy: { kind: 'inactivity', periodMinutes: 43200, raw: 'SpecificInactivity 30 Days' } })]),
    fail: () => snapshot([app({ scopes: ['api', 'refresh_token'], refreshTokenRotation: false, refreshTokenPolicy: { kind: 'infinite', raw: 'infinite' } })]),
    not_applicable: () => snapshot([app()]),
  },
  'eca.settings.metadata-secrets-protection': {
    pass: () => snapshot([app()], { org: org({ secretsReadableViaMetadataApi: false, retrievedConsumerSecrets: [] }) }),
    warn: () => snapshot([app()], { org: org({ secretsReadableViaMetadataApi: true, retrievedConsumerSecrets: [] }) }),
    fail: () => snapshot([app()], { org: org({ secretsReadableViaMetadataApi: true, retrievedConsumerSecrets: [{ file: 'erp.ecaGlblOauth-meta.xml', line: 5 }] }) }),
    not_applicable: () => snapshot([app()]),
  },
  'eca.settings.rest-api-secret-masking': {
    pass: () => snapshot([app()], { org: org({ secretsReadableViaRestApi: false }) }),
    warn: () => snapshot([app()], { org: org({ secretsReadableViaRestApi: true }) }),
    fail: () => snapshot([app({ flows: CC_ONLY, ...secretApp })], { org: org({ secretsReadableViaRestApi: true }) }),
    not_applicable: () => snapshot([app()]),
  },
  'org.permissions.use-any-api-client': {
    pass: () => snapshot([app()], { org: org({ useAnyApiClient: [] }) }),
    warn: () => snapshot([app()], { org: org({ useAnyApiClient: [{ kind: 'permissionSet', name: 'Power_Users', elevatedPermissions: [], interactiveSignIn: true, hasPassword: true }] }) }),
    fail: () => snapshot([app()], { org: org({ useAnyApiClient: [{ kind: 'profile', name: 'Standard', elevatedPermissions: [], interactiveSignIn: true, hasPassword: true }] }) }),
    not_applicable: () => snapshot([app()]),
  },
  'traffic.secret-authentication': {
    pass: () => withTraffic(appTraffic('erp-sync')),
    warn: () =>
      withTraffic(
        appTraffic('erp-sync', {
          usage: [{ grant: 'client-credentials', credential: 'client-secret', outcome: 'failure', count: 3, users: [], lastSeen: daysFromNow(-2), withoutJti: 0 }],
        }),
      ),
    fail: () =>
      withTraffic(
        appTraffic('erp-sync', {
          usage: [{ grant: 'client-credentials', credential: 'client-secret', outcome: 'success', count: 12, users: ['erp@example.com'], lastSeen: daysFromNow(-2), withoutJti: 0 }],
        }),
      ),
    not_applicable: () => snapshot([app()]),
  },
  'traffic.dormant-app': {
    pass: () => withTraffic(appTraffic('erp-sync')),
    warn: () => withTraffic(appTraffic('erp-sync', { lastTokenAt: daysFromNow(-60) })),
    fail: () => snapshot([app()], { traffic: traffic([]) }),
    not_applicable: () => snapshot([app()]),
  },
};

function findingFor(controlId: string, snap: Snapshot): Finding {
  const control = CONTROLS.find((c) => c.id === controlId)!;
  const result = reviewSnapshot(snap, { controls: [control] });
  const subject = control.scope === 'org' ? snap.org.name : 'erp-sync';
  const finding = result.findings.find((f) => f.subject === subject);
  if (!finding) throw new Error(`no finding for ${subject}`);
  return finding;
}

describe('control catalogue fixtures', () => {
  it('every control in the catalogue has pass, warn, fail and not-applicable fixtures', () => {
    expect(Object.keys(CASES).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
  });

  for (const [controlId, cases] of Object.entries(CASES)) {
    describe(controlId, () => {
      for (const status of ['pass', 'warn', 'fail', 'not_applicable'] as const) {
        it(`reports ${status} for its ${status} fixture`, () => {
          const finding = findingFor(controlId, cases[status]());
          expect(finding.status, finding.evidence).toBe(status);
          expect(finding.evidence).toMatch(/\.$/);
          if (status === 'fail' || status === 'warn') expect(finding.cvss).not.toBeNull();
          else expect(finding.cvss).toBeNull();
        });
      }
    });
  }
});

describe('eca.oauth-flow.jwt-bearer-enabled edge cases', () => {
  const id = 'eca.oauth-flow.jwt-bearer-enabled';

  it('warns when the only valid certificate expires within 30 days', () => {
    const f = findingFor(id, snapshot([app({ certificates: [certificate({ notAfter: daysFromNow(20) })] })]));
    expect(f.status).toBe('warn');
    expect(f.evidence).toContain('expires on 2025-06-21');
  });

  it('passes when a successor certificate outlasts the expiring one', () => {
    const f = findingFor(id, snapshot([app({ certificates: [certificate({ notAfter: daysFromNow(20) }), certificate({ notAfter: daysFromNow(400) })] })]));
    expect(f.status).toBe('pass');
  });

  it('fails when JWT Bearer is on without a valid certificate and a secret flow is the only way in', () => {
    const f = findingFor(id, snapshot([app({ flows: JWT_AND_CC, ...secretApp, certificates: [certificate({ notAfter: daysFromNow(-1) })] })]));
    expect(f.status).toBe('fail');
  });

  it('fails for the username-password flow without JWT Bearer', () => {
    const f = findingFor(id, snapshot([app({ flows: { jwtBearer: false, clientCredentials: false, usernamePassword: true } })]));
    expect(f.status).toBe('fail');
    expect(f.evidence).toContain('username-password');
  });

  it('reports unknown, never pass or fail, when a source could not read the flows', () => {
    const f = findingFor(
      id,
      snapshot([app({ flows: { jwtBearer: unknownFact('<oauthConfig> is absent'), clientCredentials: false, usernamePassword: false } })], {
        source: 'salesforce-metadata',
      }),
    );
    expect(f.status).toBe('unknown');
    expect(f.evidence).toContain('<oauthConfig> is absent');
  });

  it('reports unknown when JWT Bearer is on but the certificates could not be read', () => {
    const f = findingFor(id, snapshot([app({ certificates: unknownFact('no certificate element') })]));
    expect(f.status).toBe('unknown');
  });
});

describe('eca.oauth-flow.username-password-disabled edge cases', () => {
  const id = 'eca.oauth-flow.username-password-disabled';
  const on = { flows: JWT_AND_UP };

  it('warns only when every permitted user is known to have no password', () => {
    const f = findingFor(id, snapshot([app({ ...on, principals: [user('erp@example.com')] })]));
    expect([f.status, f.evidence]).toEqual(['warn', 'The username-password flow is on, though no permitted user has a password yet; anyone given one later could use it.']);
  });

  it('fails when whether a permitted principal has a password is unknown, even though it cannot sign in interactively', () => {
    const apiOnly = { kind: 'permissionSet' as const, name: 'Erp_Integration', elevatedPermissions: [], interactiveSignIn: false, hasPassword: unknownFact('users are not part of the metadata') };
    expect(findingFor(id, snapshot([app({ ...on, principals: [apiOnly] })])).status).toBe('fail');
  });

  it('fails with no permitted user when UseAnyApiClient holders may use any app, or may exist', () => {
    const holder = { kind: 'permissionSet' as const, name: 'Power_Users', elevatedPermissions: [], interactiveSignIn: true, hasPassword: unknownFact('users are not metadata') };
    expect(findingFor(id, snapshot([app({ ...on, principals: [] })], { org: org({ useAnyApiClient: [holder] }) })).status).toBe('fail');
    expect(findingFor(id, snapshot([app({ ...on, principals: [] })], { org: org({ useAnyApiClient: unknownFact('no profile was retrieved') }) })).status).toBe('fail');
    expect(findingFor(id, snapshot([app({ ...on, principals: [] })], { org: org({ useAnyApiClient: [] }) })).status).toBe('warn');
  });
});

describe('eca.policy.permitted-users-admin-approved evidence', () => {
  const id = 'eca.policy.permitted-users-admin-approved';

  it('says nothing is pre-authorized when nothing is, rather than naming permission sets', () => {
    expect(findingFor(id, snapshot([app({ principals: [] })])).evidence).toBe(
      'Permitted users is admin approved and nothing is pre-authorized yet, so no permitted user can obtain a token through the app.',
    );
    expect(findingFor(id, snapshot([app()])).evidence).toBe('Permitted users is admin approved, and no whole profile is pre-authorized.');
  });
});

describe('eca.policy.ip-relaxation-enforced severity (range Medium–High 6.0–8.5)', () => {
  it('a failing finding is as severe as its own score: medium at the bottom of the range, so --fail-on high does not trip and --fail-on medium does', () => {
    const relaxed = (keyCustody: 'kms' | 'file'): Finding =>
      findingFor('eca.policy.ip-relaxation-enforced', snapshot([app({ ipRelaxation: 'relax', keyCustody, flows: JWT_AND_CC, ...secretApp })]));
    const kms = relaxed('kms');
    expect([kms.status, kms.category, kms.severity, kms.cvss!.score]).toEqual(['fail', 'high', 'medium', 6.0]);
    expect([failOnExitCode([kms], 'high'), failOnExitCode([kms], 'medium')]).toEqual([0, 3]);
    const file = relaxed('file');
    expect([file.severity, file.cvss!.score]).toEqual(['high', 7.4]);
  });
});

describe('eca.replay.require-jti edge cases', () => {
  const id = 'eca.replay.require-jti';

  it('does not pass when require jti is on but the salesforce-compat profile accepts assertions without one', () => {
    const f = findingFor(id, snapshot([app({ requireJti: true, assertionProfile: 'salesforce-compat' })], { org: org({ maxAssertionLifetimeSeconds: 300 }) }));
    expect(f.status).toBe('fail');
    expect(f.evidence).toBe(
      'Require jti is on, but the salesforce-compat profile accepts assertions without one. Keygate takes such an assertion once by its hash, but a server without that safeguard would accept it again for up to 300 seconds.',
    );
  });

  it('names the fallback, not a replay through Keygate, when require jti is off', () => {
    const f = findingFor(id, snapshot([app({ requireJti: false })], { org: org({ maxAssertionLifetimeSeconds: 60 }) }));
    expect(f.status).toBe('warn');
    expect(f.evidence).toMatch(/^Require jti is off\. Keygate takes such an assertion once by its hash/);
  });
});

describe('traffic-aware controls without a login history', () => {
  it('are not applicable in an offline review and say why', () => {
    for (const id of ['traffic.secret-authentication', 'traffic.dormant-app']) {
      const f = findingFor(id, snapshot([app()]));
      expect(f.status).toBe('not_applicable');
      expect(f.evidence).toContain('login history');
    }
  });

  it('traffic.dormant-app is unknown when the window is shorter than the dormancy period', () => {
    const f = findingFor('traffic.dormant-app', snapshot([app()], { traffic: traffic([], 30) }));
    expect(f.status).toBe('unknown');
  });

  it('traffic.secret-authentication names the count, the users and the last time seen', () => {
    const f = findingFor('traffic.secret-authentication', CASES['traffic.secret-authentication']!.fail());
    expect(f.evidence).toBe('12 token requests were authenticated with a secret by erp@example.com, last on 2025-05-30.');
  });
});
