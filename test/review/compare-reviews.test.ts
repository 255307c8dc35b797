import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import { compareReviews } from '../../src/review/engine/compare-reviews.js';
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
});
