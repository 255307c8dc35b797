/**
 * Compares two reviews of the same org: which findings changed status or severity, and how
 * much each change weighed in the score's move (the admin API's "compare two reviews").
 */
import { scoreContribution } from './score.js';
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
  const weigh = (f: ComparableReview['findings'][number] | undefined): number => {
    if (!f) return 0;
    const c = scoreContribution(f);
    return c ? c.weight * c.credit : 0;
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
    });
  }
  for (const [k, f] of old) {
    if (seen.has(k)) continue;
    changes.push({ control: f.control, subject: f.subject, before: { status: f.status, severity: f.severity }, after: null, weightDelta: -weigh(f) });
  }
  changes.sort((a, b) => Math.abs(b.weightDelta) - Math.abs(a.weightDelta) || a.subject.localeCompare(b.subject) || a.control.localeCompare(b.control));
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
