import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import type { EvaluatedStatus } from '../../src/review/engine/control.js';
import { reviewSnapshot } from '../../src/review/engine/review.js';
import { gradeOf, scoreFindings, type ScorableFinding } from '../../src/review/engine/score.js';
import type { RiskCategory } from '../../src/review/engine/severity.js';
import type { Snapshot, SnapshotApp } from '../../src/review/engine/snapshot.js';
import { app, appTraffic, certificate, daysFromNow, org, snapshot, traffic, user } from './helpers.js';

const f = (evaluatedStatus: EvaluatedStatus, category: RiskCategory): ScorableFinding => ({ evaluatedStatus, category });

describe('score', () => {
  it('is 100 when everything passes and when nothing counts', () => {
    expect(scoreFindings([f('pass', 'critical'), f('pass', 'low')])).toBe(100);
    expect(scoreFindings([f('not_applicable', 'high'), f('unknown', 'informational'), f('fail', 'informational')])).toBe(100);
    expect(scoreFindings([])).toBe(100);
  });

  it('is 0 (Very Poor), not 100 (Excellent), when every finding that would count is unknown: nothing was verified', () => {
    const unverified = [f('unknown', 'high'), f('unknown', 'critical'), f('not_applicable', 'medium')];
    expect([scoreFindings(unverified), gradeOf(scoreFindings(unverified))]).toEqual([0, 'Very Poor']);
    // One verified finding is scored on its own; unknowns still do not count.
    expect(scoreFindings([...unverified, f('pass', 'low')])).toBe(100);
  });

  it('weighs by category and credits warnings half', () => {
    // high 5 × 1 + medium 3 × 0.5 + critical 10 × 0 = 6.5 of 18
    expect(scoreFindings([f('pass', 'high'), f('warn', 'medium'), f('fail', 'critical')])).toBe(36);
  });

  it('excludes informational findings', () => {
    expect(scoreFindings([f('pass', 'high'), f('fail', 'informational')])).toBe(100);
  });

  it('maps grade bands at their edges', () => {
    expect([100, 90, 89, 80, 79, 70, 69, 55, 54, 0].map(gradeOf)).toEqual([
      'Excellent',
      'Excellent',
      'Very Good',
      'Very Good',
      'Good',
      'Good',
      'Poor',
      'Poor',
      'Very Poor',
      'Very Poor',
    ]);
  });

  it('never drops when one failing finding becomes warn or pass (randomised)', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const statuses: EvaluatedStatus[] = ['pass', 'warn', 'fail', 'not_applicable', 'unknown'];
    const categories: RiskCategory[] = ['critical', 'high', 'medium', 'low', 'informational'];
    for (let round = 0; round < 500; round++) {
      const findings = Array.from({ length: 1 + Math.floor(rand() * 30) }, () =>
        f(statuses[Math.floor(rand() * statuses.length)]!, categories[Math.floor(rand() * categories.length)]!),
      );
      const before = scoreFindings(findings);
      findings.forEach((x, i) => {
        if (x.evaluatedStatus !== 'fail') return;
        for (const fixed of ['warn', 'pass'] as const) {
          const after = scoreFindings(findings.map((y, j) => (j === i ? { ...y, evaluatedStatus: fixed } : y)));
          expect(after).toBeGreaterThanOrEqual(before);
        }
      });
    }
  });
});

/** Each failing control's remediation, applied to the app the way an administrator would. */
const REMEDIES: Record<string, (a: SnapshotApp) => SnapshotApp> = {
  'eca.oauth-flow.jwt-bearer-enabled': (a) => ({
    ...a,
    flows: { jwtBearer: true, clientCredentials: false, usernamePassword: false },
    certificates: [certificate()],
  }),
  'eca.oauth-flow.client-credentials-constrained': (a) => ({ ...a, flows: { ...a.flows, clientCredentials: false } as SnapshotApp['flows'] }),
  'eca.oauth-flow.username-password-disabled': (a) => ({ ...a, flows: { ...a.flows, usernamePassword: false } as SnapshotApp['flows'] }),
  'eca.oauth-scope.least-privilege': (a) => ({ ...a, scopes: ['api'] }),
  'eca.policy.permitted-users-admin-approved': (a) => ({ ...a, permittedUsers: 'adminApproved', preAuthorizedProfiles: [] }),
  'eca.policy.ip-relaxation-enforced': (a) => ({ ...a, ipRelaxation: 'enforce', trustedIpRanges: ['10.0.0.0/8'] }),
  'eca.policy.session-timeout': (a) => ({ ...a, sessionTimeoutMinutes: 30 }),
  'eca.certificate.health': (a) => ({ ...a, certificates: [certificate()] }),
  'eca.integration-user.least-privilege': (a) => ({ ...a, principals: [user('erp@example.com')], runAs: null }),
  'eca.consumer-secret.rotation': (a) => ({ ...a, consumerSecretCreatedAt: daysFromNow(-5) }),
  'eca.replay.require-jti': (a) => ({ ...a, requireJti: true }),
};

function messy(): Snapshot {
  const admin = user('admin@example.com', { elevatedPermissions: ['ModifyAllData'], interactiveSignIn: true });
  return snapshot(
    [
      app({
        name: 'legacy',
        flows: { jwtBearer: false, clientCredentials: true, usernamePassword: true },
        hasConsumerSecret: true,
        consumerSecretCreatedAt: daysFromNow(-500),
        scopes: ['full'],
        certificates: [],
        permittedUsers: 'selfAuthorized',
        principals: [admin],
        runAs: admin,
        ipRelaxation: 'relax',
        trustedIpRanges: [],
        sessionTimeoutMinutes: 480,
        requireJti: false,
      }),
      app({ name: 'weak', certificates: [certificate({ weakKey: true, keySize: 1024 })], requireJti: false, sessionTimeoutMinutes: 240 }),
      app({ name: 'fine' }),
    ],
    {
      org: org({ requireAsymmetricM2M: false }),
      traffic: traffic([appTraffic('legacy'), appTraffic('weak'), appTraffic('fine')]),
    },
  );
}

describe('score monotonicity over real reviews', () => {
  it('fixing any failing finding never lowers the score', () => {
    const snap = messy();
    const before = reviewSnapshot(snap, { controls: CONTROLS });
    const failing = before.findings.filter((x) => x.status === 'fail' && x.subjectKind === 'app' && REMEDIES[x.control]);
    expect(failing.length).toBeGreaterThan(8);
    for (const finding of failing) {
      const fixed: Snapshot = { ...snap, apps: snap.apps.map((a) => (a.name === finding.subject ? REMEDIES[finding.control]!(a) : a)) };
      const after = reviewSnapshot(fixed, { controls: CONTROLS });
      const same = after.findings.find((x) => x.control === finding.control && x.subject === finding.subject)!;
      expect(same.status, `${finding.control} on ${finding.subject}`).not.toBe('fail');
      expect(after.score, `${finding.control} on ${finding.subject}`).toBeGreaterThanOrEqual(before.score);
    }
  });

  it('fixing the org-wide rule never lowers the score', () => {
    const snap = messy();
    const before = reviewSnapshot(snap, { controls: CONTROLS });
    const after = reviewSnapshot({ ...snap, org: org({ requireAsymmetricM2M: true }) }, { controls: CONTROLS });
    expect(after.score).toBeGreaterThan(before.score);
  });

  it('a messy org grades below Good and a clean one Excellent', () => {
    const result = reviewSnapshot(messy(), { controls: CONTROLS });
    expect(result.score).toBeLessThan(70);
    expect(['Poor', 'Very Poor']).toContain(result.grade);
    const clean = reviewSnapshot(snapshot([app()], { traffic: traffic([appTraffic('erp-sync')]) }), { controls: CONTROLS });
    expect(clean.score).toBe(100);
    expect(clean.grade).toBe('Excellent');
  });
});
