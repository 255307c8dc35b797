/**
 * The review score, 0–100, and its grade.
 *
 * score = floor(100 × Σ weight × credit / Σ weight) over the findings that count, where
 * weight depends only on the control's risk category under the baseline (critical 10,
 * high 5, medium 3, low 1, informational 0) and credit on the evaluated status (pass 1,
 * warn 0.5, fail 0). Not-applicable and unknown findings do not count, and an accepted
 * finding counts with the status it was evaluated to: accepting a risk does not remove it.
 * With nothing to count the score is 100, unless a finding that would count is unknown: a
 * review that could verify nothing scores 0, so that it never reads as Excellent.
 *
 * Because a finding's weight does not depend on its status, moving one finding from fail to
 * warn or pass can only raise the score.
 */
import type { EvaluatedStatus } from './control.js';
import type { RiskCategory } from './severity.js';

export const CATEGORY_WEIGHTS: Readonly<Record<RiskCategory, number>> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
  informational: 0,
};

export const STATUS_CREDIT: Readonly<Record<'pass' | 'warn' | 'fail', number>> = { pass: 1, warn: 0.5, fail: 0 };

/** Grade bands. */
export type Grade = 'Excellent' | 'Very Good' | 'Good' | 'Poor' | 'Very Poor';

/** The part of a finding the score reads. */
export interface ScorableFinding {
  readonly evaluatedStatus: EvaluatedStatus;
  readonly category: RiskCategory;
}

/** A finding's weight and credit, or null when it does not count. */
export function scoreContribution(finding: ScorableFinding): { weight: number; credit: number } | null {
  const status = finding.evaluatedStatus;
  if (status === 'not_applicable' || status === 'unknown') return null;
  const weight = CATEGORY_WEIGHTS[finding.category];
  if (weight === 0) return null;
  return { weight, credit: STATUS_CREDIT[status] };
}

/**
 * What a set of findings earned and could have earned: Σ weight × credit and Σ weight, and
 * the weight of the unknown findings, which would have counted had their facts been read.
 */
export interface ScoreTotals {
  readonly earned: number;
  readonly total: number;
  readonly unknown: number;
}

/** The weight an unknown finding would have had; 0 for any other finding. */
export function unknownWeight(finding: ScorableFinding): number {
  return finding.evaluatedStatus === 'unknown' ? CATEGORY_WEIGHTS[finding.category] : 0;
}

export function scoreTotals(findings: readonly ScorableFinding[]): ScoreTotals {
  let total = 0;
  let earned = 0;
  let unknown = 0;
  for (const finding of findings) {
    unknown += unknownWeight(finding);
    const c = scoreContribution(finding);
    if (!c) continue;
    total += c.weight;
    earned += c.weight * c.credit;
  }
  return { earned, total, unknown };
}

/**
 * The score before rounding down: 100 × earned / total. With nothing to count it is 100 when
 * nothing was unknown either, and 0 when something was: nothing verified is not a clean bill.
 */
export function exactScore({ earned, total, unknown }: ScoreTotals): number {
  if (total === 0) return unknown > 0 ? 0 : 100;
  return (100 * earned) / total;
}

/** The 0–100 score of a set of findings. */
export function scoreFindings(findings: readonly ScorableFinding[]): number {
  // The epsilon keeps 100 × (n/n) from flooring to 99 through binary rounding.
  return Math.floor(exactScore(scoreTotals(findings)) + 1e-9);
}

/** ≥ 90 Excellent, 80–89 Very Good, 70–79 Good, 55–69 Poor, ≤ 54 Very Poor. */
export function gradeOf(score: number): Grade {
  if (score >= 90) return 'Excellent';
  if (score >= 80) return 'Very Good';
  if (score >= 70) return 'Good';
  if (score >= 55) return 'Poor';
  return 'Very Poor';
}
