/**
 * Severity bands and risk categories. Bands follow the CVSS v3.1 qualitative rating scale
 * (FIRST, CVSS v3.1 specification §5); `informational` is the Health Check category that
 * does not count towards the score.
 */

/** A control's risk category under a baseline. */
export type RiskCategory = 'critical' | 'high' | 'medium' | 'low' | 'informational';

/** A finding's severity band. */
export type Severity = RiskCategory;

/** Bands a `--fail-on` threshold may name. */
export type FailOnBand = 'critical' | 'high' | 'medium' | 'low';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

const RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 };

/** A number that grows with severity: critical 4 … informational 0. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** The CVSS score range of each category (informational shares low's numbers). */
export const CATEGORY_RANGES: Readonly<Record<RiskCategory, readonly [number, number]>> = {
  critical: [9.0, 10.0],
  high: [7.0, 8.9],
  medium: [4.0, 6.9],
  low: [0.1, 3.9],
  informational: [0.1, 3.9],
};

/** The band a CVSS score falls in (CVSS v3.1 §5); 0.0 is informational. */
export function bandOfScore(score: number): Severity {
  if (score >= 9.0) return 'critical';
  if (score >= 7.0) return 'high';
  if (score >= 4.0) return 'medium';
  if (score > 0) return 'low';
  return 'informational';
}

/** The category a warning is scored in: one band below the control's own. */
export function categoryBelow(category: RiskCategory): RiskCategory {
  switch (category) {
    case 'critical':
      return 'high';
    case 'high':
      return 'medium';
    default:
      return category === 'informational' ? 'informational' : 'low';
  }
}
