/**
 * Compares two reviews of the same org: which findings changed status or severity, and how
 * much each change weighed in the score's move (the admin API's "compare two reviews").
 */
import { exactScore, scoreContribution, scoreTotals, unknownWeight } from './score.js';
import type { Finding, ReviewResult } from './review.js';

/** The fields of a stored review that a comparison reads. */
export type ComparableReview = Pick<ReviewResult, 'score' | 'grade' | 'baseline' | 'generatedAt'> & {
  readonly findings: readonly Pick<Finding, 'control' | 'subject' | 'status' | 'evaluatedStatus' | 'severity' | 'category' | 'evidence'>[];
};

/** One finding that differs between two reviews. */
export interface FindingChange {
  readonly control: string;
  readonly subject: string;
  /** Null when the finding did not exist in that review (a new or removed app). */
  readonly before: { readonly status: string; readonly severity: string } | null;
  readonly after: { readonly status: string; readonly severity: string; readonly evidence: string } | null;
  /** Weighted credit after minus before (positive raised the score). */
  readonly weightDelta: number;
  /**
   * Points of the after score owed to this change: the after score minus what it would have
   * been had this finding alone stayed as it was, unrounded, to two decimals. Unlike
   * `weightDelta`, it sees a finding that starts to count, such as one that was not
   * applicable and now fails: its credit is 0 both ways, but it adds weight that earns none.
   */
  readonly scoreEffect: number;
}

export interface ReviewComparison {
  readonly scoreBefore: number;
  readonly scoreAfter: number;
  readonly scoreDelta: number;
  readonly gradeBefore: string;
  readonly gradeAfter: string;
  /** Whether both reviews used the same baseline; when not, categories may explain the move. */
  readonly sameBaseline: boolean;
  /** Largest effect on the score first. */
  readonly changes: readonly FindingChange[];
}

/** Compares `before` with `after`. */
export function compareReviews(before: ComparableReview, after: ComparableReview): ReviewComparison {
  const key = (f: { control: string; subject: string }): string => `${f.control}\u0000${f.subject}`;
  const old = new Map(before.findings.map((f) => [key(f), f]));
  const changes: FindingChange[] = [];
  type Compared = ComparableReview['findings'][number] | undefined;
  /** What one finding adds to the score's sums; nothing when absent or not counted. */
  const counted = (f: Compared) => {
    const c = f ? scoreContribution(f) : null;
    const unknown = f ? unknownWeight(f) : 0;
    return c ? { earned: c.weight * c.credit, total: c.weight, unknown } : { earned: 0, total: 0, unknown };
  };
  const weigh = (f: Compared): number => counted(f).earned;
  const sums = scoreTotals(after.findings);
  const afterScore = exactScore(sums);
  /** The after score, less the score had `now` stayed as `then`. */
  const effectOf = (then: Compared, now: Compared): number => {
    const a = counted(then);
    const b = counted(now);
    const without = exactScore({ earned: sums.earned - b.earned + a.earned, total: sums.total - b.total + a.total, unknown: sums.unknown - b.unknown + a.unknown });
    return Math.round((afterScore - without) * 100) / 100;
  };
  const seen = new Set<string>();
  for (const f of after.findings) {
    const k = key(f);
    seen.add(k);
    const prior = old.get(k);
    if (prior && prior.status === f.status && prior.severity === f.severity) continue;
    changes.push({
      control: f.control,
      subject: f.subject,
      before: prior ? { status: prior.status, severity: prior.severity } : null,
      after: { status: f.status, severity: f.severity, evidence: f.evidence },
      weightDelta: weigh(f) - weigh(prior),
      scoreEffect: effectOf(prior, f),
    });
  }
  for (const [k, f] of old) {
    if (seen.has(k)) continue;
    changes.push({
      control: f.control,
      subject: f.subject,
      before: { status: f.status, severity: f.severity },
      after: null,
      weightDelta: -weigh(f),
      scoreEffect: effectOf(f, undefined),
    });
  }
  changes.sort(
    (a, b) =>
      Math.abs(b.scoreEffect) - Math.abs(a.scoreEffect) ||
      Math.abs(b.weightDelta) - Math.abs(a.weightDelta) ||
      a.subject.localeCompare(b.subject, 'en') ||
      a.control.localeCompare(b.control, 'en'),
  );
  return {
    scoreBefore: before.score,
    scoreAfter: after.score,
    scoreDelta: after.score - before.score,
    gradeBefore: before.grade,
    gradeAfter: after.grade,
    sameBaseline: before.baseline === after.baseline,
    changes,
  };
}
