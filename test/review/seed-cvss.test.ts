import { describe, expect, it } from 'vitest';
import { jwtBearerEnabled } from '../../src/review/controls/jwt-bearer-enabled.js';
import { HIGH_SECURITY_BASELINE } from '../../src/review/engine/baseline.js';
import { reviewSnapshot, type Finding } from '../../src/review/engine/review.js';
import type { SnapshotApp } from '../../src/review/engine/snapshot.js';
import { app, snapshot, user } from './helpers.js';

const failing = (overrides: Partial<SnapshotApp>): SnapshotApp =>
  app({
    flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
    hasConsumerSecret: true,
    consumerSecretCreatedAt: new Date('2025-05-01T00:00:00Z'),
    runAs: user('erp@example.com'),
    ...overrides,
  });

function seed(a: SnapshotApp, baseline = undefined as typeof HIGH_SECURITY_BASELINE | undefined): Finding {
  const result = reviewSnapshot(snapshot([a]), { controls: [jwtBearerEnabled], ...(baseline ? { baseline } : {}) });
  const f = result.findings[0]!;
  expect(f.status).toBe('fail');
  return f;
}

describe('eca.oauth-flow.jwt-bearer-enabled CVSS', () => {
  const admin = user('admin@example.com', { elevatedPermissions: ['ModifyAllData', 'ManageUsers'] });
  const cases: [string, Partial<SnapshotApp>, (score: number) => boolean][] = [
    ['an elevated pre-authorized user', { principals: [admin] }, (s) => s >= 8.0],
    ['an elevated run-as user', { runAs: admin }, (s) => s >= 8.0],
    ['IP restrictions relaxed', { ipRelaxation: 'relax' }, (s) => s >= 8.0],
    ['an elevated user and relaxed IP restrictions', { principals: [admin], ipRelaxation: 'relax' }, (s) => s >= 8.0],
    ['an elevated user despite an allowlist and a KMS key', { principals: [admin], keyCustody: 'kms' }, (s) => s >= 8.0],
    ['IP enforced with trusted ranges and keyCustody kms', { keyCustody: 'kms' }, (s) => s < 8.0],
    ['IP enforced with trusted ranges and keyCustody hsm', { keyCustody: 'hsm' }, (s) => s < 8.0],
    ['no condition either way (key in a file)', { keyCustody: 'file' }, (s) => s < 8.0],
  ];

  for (const [label, overrides, expected] of cases) {
    it(`stays within 7.0–8.9 with ${label}`, () => {
      const f = seed(failing(overrides));
      expect(f.cvss!.score).toBeGreaterThanOrEqual(7.0);
      expect(f.cvss!.score).toBeLessThanOrEqual(8.9);
      expect(expected(f.cvss!.score), `score ${f.cvss!.score}`).toBe(true);
      expect(f.severity).toBe('high');
    });
  }

  it('reaches the top of the range (8.9) when every higher-risk condition holds, and names them', () => {
    const f = seed(failing({ principals: [admin], ipRelaxation: 'relax' }));
    expect(f.cvss).toEqual({ score: 8.9, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N', vectorScore: 10 });
    expect(f.conditions.map((c) => c.id)).toEqual(['elevated-integration-user', 'ip-not-enforced']);
  });

  it('reaches the bottom of the range (7.0) under the low-risk conditions, and names them', () => {
    const f = seed(failing({ keyCustody: 'kms' }));
    expect(f.cvss).toEqual({ score: 7.0, vector: 'CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N', vectorScore: 6.8 });
    expect(f.conditions.map((c) => c.id)).toEqual(['kms-key-and-ip-allowlist']);
  });

  it('does not apply the low-risk conditions when IP restrictions list no trusted range', () => {
    const f = seed(failing({ keyCustody: 'hsm', trustedIpRanges: [] }));
    expect(f.conditions).toEqual([]);
    expect(f.cvss!.score).toBe(7.4);
  });

  it('lets a higher-risk condition win over the low-risk ones', () => {
    const f = seed(failing({ keyCustody: 'kms', principals: [admin] }));
    expect(f.conditions.map((c) => c.kind)).toEqual(['higher']);
    expect(f.cvss!.score).toBe(8.7);
  });

  it('is critical under the high-security baseline, keeping the order of its context', () => {
    const low = seed(failing({ keyCustody: 'kms' }), HIGH_SECURITY_BASELINE);
    const high = seed(failing({ principals: [admin], ipRelaxation: 'relax' }), HIGH_SECURITY_BASELINE);
    expect(low.severity).toBe('critical');
    expect(high.severity).toBe('critical');
    expect(low.cvss!.score).toBeGreaterThanOrEqual(9.0);
    expect(high.cvss!.score).toBe(10.0);
    expect(low.cvss!.score).toBeLessThan(high.cvss!.score);
  });

  it('scores a warning one band lower than a failure', () => {
    const result = reviewSnapshot(
      snapshot([app({ flows: { jwtBearer: true, clientCredentials: true, usernamePassword: false }, hasConsumerSecret: true, consumerSecretCreatedAt: new Date('2025-05-01T00:00:00Z') })]),
      { controls: [jwtBearerEnabled] },
    );
    const f = result.findings[0]!;
    expect(f.status).toBe('warn');
    expect(f.severity).toBe('medium');
    expect(f.cvss!.score).toBeGreaterThanOrEqual(4.0);
    expect(f.cvss!.score).toBeLessThanOrEqual(6.9);
  });
});
