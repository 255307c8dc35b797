import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { CONTROL_IDS, CONTROLS } from '../../src/review/controls/index.js';
import { acceptRisk, parseAcceptedRisks, type AcceptedRisk } from '../../src/review/engine/accepted-risk.js';
import { failOnExitCode } from '../../src/review/engine/fail-on.js';
import { reviewSnapshot } from '../../src/review/engine/review.js';
import { loadAcceptedRisks } from '../../src/review/index.js';
import { app, configErrorFrom, daysFromNow, NOW, snapshot, user } from './helpers.js';

const SEED = 'eca.oauth-flow.jwt-bearer-enabled';
const legacy = app({
  name: 'legacy',
  flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
  hasConsumerSecret: true,
  consumerSecretCreatedAt: daysFromNow(-5),
  runAs: user('erp@example.com'),
});

function review(risks: AcceptedRisk[], apps = [legacy]) {
  return reviewSnapshot(snapshot(apps), { controls: CONTROLS, acceptedRisks: risks });
}
const seedOf = (result: ReturnType<typeof review>) => result.findings.find((f) => f.control === SEED && f.subject === 'legacy')!;

describe('accepted risks', () => {
  const open = seedOf(review([]));

  it('accepts an open finding with a reason, an owner and an expiry, without changing the score', () => {
    const risk = acceptRisk(open, { reason: 'vendor moves to JWT in Q3', owner: 'ana@example.com', expires: daysFromNow(30), now: NOW });
    const result = review([risk]);
    const f = seedOf(result);
    expect(f.status).toBe('accepted');
    expect(f.evaluatedStatus).toBe('fail');
    expect(f.acceptance).toMatchObject({ outcome: 'accepted', owner: 'ana@example.com', reason: 'vendor moves to JWT in Q3', expires: '2025-07-01' });
    expect(result.score).toBe(review([]).score);
    expect(f.cvss).toEqual(open.cvss);
  });

  it('an accepted finding does not trip --fail-on', () => {
    const risks = review([]).findings
      .filter((f) => f.status === 'fail')
      .map((f) => acceptRisk(f, { reason: 'r', owner: 'o', expires: daysFromNow(1), now: NOW }));
    expect(failOnExitCode(review([]).findings, 'low')).toBe(3);
    expect(failOnExitCode(review(risks).findings, 'low')).toBe(0);
  });

  it('reopens an expired acceptance and says so', () => {
    const risk: AcceptedRisk = { control: SEED, subject: 'legacy', reason: 'r', owner: 'ana@example.com', expires: daysFromNow(-1) };
    const f = seedOf(review([risk]));
    expect(f.status).toBe('fail');
    expect(f.acceptance?.outcome).toBe('expired');
    expect(f.acceptance?.note).toBe('Reopened: the acceptance by ana@example.com expired on 2025-05-31.');
  });

  it('reopens when the condition changed since it was accepted', () => {
    const risk = acceptRisk(open, { reason: 'r', owner: 'ana@example.com', expires: daysFromNow(30), now: NOW });
    const worse = { ...legacy, ipRelaxation: 'relax' as const };
    const f = seedOf(review([risk], [worse]));
    expect(f.status).toBe('fail');
    expect(f.acceptance?.outcome).toBe('condition_changed');
    expect(f.acceptance?.note).toContain('the condition changed');
    expect(f.acceptance?.note).toContain('ip-not-enforced');
  });

  it('an acceptance without a recorded state covers any condition until it expires', () => {
    const risk: AcceptedRisk = { control: SEED, subject: 'legacy', reason: 'r', owner: 'o', expires: daysFromNow(3) };
    expect(seedOf(review([risk], [{ ...legacy, ipRelaxation: 'relax' }])).status).toBe('accepted');
  });

  it('a later acceptance of the new condition applies even when an older one for the old condition expires later', () => {
    const old = acceptRisk(open, { reason: 'old', owner: 'ana@example.com', expires: daysFromNow(300), now: NOW });
    const worse = { ...legacy, ipRelaxation: 'relax' as const };
    const current = acceptRisk(seedOf(review([], [worse])), { reason: 'new', owner: 'bo@example.com', expires: daysFromNow(30), now: NOW });
    for (const risks of [[old, current], [current, old]]) {
      const f = seedOf(review(risks, [worse]));
      expect(f.status).toBe('accepted');
      expect(f.acceptance).toMatchObject({ outcome: 'accepted', owner: 'bo@example.com', reason: 'new' });
    }
  });

  it('with duplicate acceptances of which none applies, the note comes from the latest expiry', () => {
    const expired: AcceptedRisk = { control: SEED, subject: 'legacy', reason: 'r', owner: 'ana@example.com', expires: daysFromNow(-10) };
    const stale = { ...acceptRisk(open, { reason: 'r', owner: 'bo@example.com', expires: daysFromNow(30), now: NOW }) };
    const f = seedOf(review([expired, stale], [{ ...legacy, ipRelaxation: 'relax' }]));
    expect(f.status).toBe('fail');
    expect(f.acceptance).toMatchObject({ outcome: 'condition_changed', owner: 'bo@example.com' });
  });

  it('refuses an acceptance without a reason or owner, or already expired', () => {
    expect(() => acceptRisk(open, { reason: ' ', owner: 'o', expires: daysFromNow(1), now: NOW })).toThrow(ConfigError);
    expect(() => acceptRisk(open, { reason: 'r', owner: '', expires: daysFromNow(1), now: NOW })).toThrow(ConfigError);
    expect(() => acceptRisk(open, { reason: 'r', owner: 'o', expires: NOW, now: NOW })).toThrow(ConfigError);
  });

  it('parses an accepted-risks file; a bare date lasts to the end of that UTC day', () => {
    const risks = parseAcceptedRisks(
      `acceptedRisks:
  - control: ${SEED}
    subject: legacy
    reason: vendor contract
    owner: ana@example.com
    expires: 2025-06-01
`,
      CONTROL_IDS,
    );
    expect(risks[0]!.expires.toISOString()).toBe('2025-06-01T23:59:59.999Z');
    expect(seedOf(review(risks)).status).toBe('accepted');
  });

  it.each([
    ['an unknown control', `- { control: eca.nope, subject: a, reason: r, owner: o, expires: 2025-01-01 }`, '0.control'],
    ['a missing reason', `acceptedRisks:\n  - { control: ${SEED}, subject: a, owner: o, expires: 2025-01-01 }`, 'acceptedRisks.0.reason'],
    ['a malformed date', `- { control: ${SEED}, subject: a, reason: r, owner: o, expires: soon }`, '0.expires'],
  ])('rejects %s with the dotted path', (_label, text, path) => {
    let error: unknown;
    try {
      parseAcceptedRisks(text, CONTROL_IDS);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
});

describe('accepted-risks files', () => {
  it('an error names the file before the dotted path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keygate-accepted-')), 'accepted.yaml');
    writeFileSync(file, 'acceptedRisks:\n  - control: eca.policy.session-timeout\n    subject: quiet\n    reason: batch window\n    owner: ops@example.com\n');
    expect(configErrorFrom(() => loadAcceptedRisks(file))).toMatchObject({ subject: 'accepted risks', message: expect.stringMatching(new RegExp(`^${file}: acceptedRisks\\.0\\.expires: `)) });
    writeFileSync(file, '- control: eca.nope\n  subject: a\n  reason: r\n  owner: o\n  expires: 2030-01-01\n');
    expect(configErrorFrom(() => loadAcceptedRisks(file))).toMatchObject({ subject: 'accepted risks', path: `${file}: 0.control`, problem: 'no control has the id "eca.nope"' });
  });
});

describe('--fail-on', () => {
  const findings = [
    { status: 'fail', severity: 'medium' },
    { status: 'warn', severity: 'critical' },
    { status: 'unknown', severity: 'critical' },
  ] as const;

  it('exits 3 only for a failing finding at or above the band', () => {
    expect(failOnExitCode(findings, 'critical')).toBe(0);
    expect(failOnExitCode(findings, 'high')).toBe(0);
    expect(failOnExitCode(findings, 'medium')).toBe(3);
    expect(failOnExitCode(findings, 'low')).toBe(3);
    expect(failOnExitCode(findings, undefined)).toBe(0);
  });
});
