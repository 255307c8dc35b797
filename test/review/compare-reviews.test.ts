import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import { compareReviews, type ComparableReview } from '../../src/review/engine/compare-reviews.js';
import type { EvaluatedStatus } from '../../src/review/engine/control.js';
import { reviewSnapshot } from '../../src/review/engine/review.js';
import { app, snapshot } from './helpers.js';

describe('compareReviews', () => {
  it('names the findings that changed and how much each moved the score', () => {
    const before = reviewSnapshot(snapshot([app({ sessionTimeoutMinutes: 240, scopes: ['full'] })]), { controls: CONTROLS });
    const after = reviewSnapshot(snapshot([app({ sessionTimeoutMinutes: 30, scopes: ['full'] }), app({ name: 'new-app' })]), { controls: CONTROLS });
    const diff = compareReviews(before, after);
    expect(diff.scoreDelta).toBe(after.score - before.score);
    expect(diff.scoreDelta).toBeGreaterThan(0);
    expect(diff.sameBaseline).toBe(true);
    expect(diff.changes[0]).toMatchObject({
      control: 'eca.policy.session-timeout',
      subject: 'erp-sync',
      before: { status: 'fail' },
      after: { status: 'pass' },
      weightDelta: 10,
    });
    expect(diff.changes[0]!.scoreEffect).toBeGreaterThan(0);
    expect(diff.changes.some((c) => c.subject === 'new-app' && c.before === null)).toBe(true);
    expect(diff.changes.some((c) => c.control === 'eca.oauth-scope.least-privilege' && c.subject === 'erp-sync')).toBe(false);
  });

  it('reports a finding that disappeared', () => {
    const before = reviewSnapshot(snapshot([app(), app({ name: 'gone' })]), { controls: CONTROLS });
    const after = reviewSnapshot(snapshot([app()]), { controls: CONTROLS });
    const gone = compareReviews(before, after).changes.filter((c) => c.subject === 'gone');
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((c) => c.after === null)).toBe(true);
  });

  /** A review of critical findings on one app, with the given statuses and the score they make. */
  function criticalReview(statuses: Record<string, EvaluatedStatus>, score: number): ComparableReview {
    return {
      score,
      grade: 'Poor',
      baseline: 'default',
      generatedAt: new Date('2026-12-01T00:00:00.000Z'),
      findings: Object.entries(statuses).map(([control, status]) => ({
        control,
        subject: 'erp-sync',
        status,
        evaluatedStatus: status,
        severity: 'critical',
        category: 'critical',
        evidence: '',
      })),
    };
  }

  it('scores a finding that starts to count as a failure by what it cost, although its credit did not move', () => {
    const before = criticalReview({ 'jwt-bearer': 'pass', 'ip-relaxation': 'not_applicable' }, 100);
    const after = criticalReview({ 'jwt-bearer': 'pass', 'ip-relaxation': 'fail' }, 50);
    const [change, ...others] = compareReviews(before, after).changes;
    expect(others).toEqual([]);
    expect(change).toMatchObject({ control: 'ip-relaxation', weightDelta: 0, scoreEffect: -50 });
  });

  it('orders the changes by their effect on the score, and a removed finding counts too', () => {
    const before = criticalReview({ a: 'fail', b: 'warn', c: 'pass', d: 'fail' }, 37);
    const after = criticalReview({ a: 'pass', b: 'pass', c: 'pass' }, 100);
    const changes = compareReviews(before, after).changes;
    // Had a stayed failing: 2/3 of the credit; had b stayed at warn: 2.5/3; had d stayed: 3/4.
    expect(changes.map((c) => [c.control, c.scoreEffect])).toEqual([
      ['a', 33.33],
      ['d', 25],
      ['b', 16.67],
    ]);
  });
});
