/**
 * The CI gate behind `keygate review --fail-on BAND`: exit 3 when an open finding at or above
 * that band fails. Warnings, unknowns and accepted findings never trip it.
 */
import type { FailOnBand } from './severity.js';
import { severityRank } from './severity.js';
import type { Finding } from './review.js';

/** Exit code when the gate trips (as Prowler does). */
export const FAIL_ON_EXIT_CODE = 3;

const BANDS: readonly FailOnBand[] = ['critical', 'high', 'medium', 'low'];

/** Whether a string names a `--fail-on` band. */
export function isFailOnBand(value: string): value is FailOnBand {
  return (BANDS as readonly string[]).includes(value);
}

/** Failing, unaccepted findings at or above `band`. */
export function findingsAtOrAbove(findings: readonly Pick<Finding, 'status' | 'severity'>[], band: FailOnBand): number {
  const floor = severityRank(band);
  return findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= floor).length;
}

/** 3 when a failing, unaccepted finding is at or above `band`; 0 otherwise or without a band. */
export function failOnExitCode(findings: readonly Pick<Finding, 'status' | 'severity'>[], band: FailOnBand | undefined): 0 | 3 {
  if (band === undefined) return 0;
  return findingsAtOrAbove(findings, band) > 0 ? FAIL_ON_EXIT_CODE : 0;
}
