/**
 * Keygate's security health review: the public surface the CLI and the admin API call.
 * See docs/review.md for the score formula, baselines, accepted risks, outputs and exit codes.
 */
import { loadAcceptedRisksFile, parseAcceptedRisks, type AcceptedRisk } from './engine/accepted-risk.js';
import { BUILT_IN_BASELINES, isBuiltInBaseline, loadBaselineFile, type Baseline } from './engine/baseline.js';
import type { Control } from './engine/control.js';
import { reviewSnapshot, type ReviewOptions, type ReviewResult } from './engine/review.js';
import type { Snapshot } from './engine/snapshot.js';
import { CONTROL_IDS, CONTROLS } from './controls/index.js';

export { CONTROLS, CONTROL_IDS, findControl } from './controls/index.js';
export type { Control, AppControl, OrgControl, ControlMetadata, EvaluatedStatus, FindingStatus, Thresholds } from './engine/control.js';
export type { Snapshot, SnapshotApp, SnapshotOrg, Principal, TrafficSummary, AppTraffic, TrafficUsage, EvidenceLocation, Maybe } from './engine/snapshot.js';
export { UnknownFact, unknownFact, isUnknown } from './engine/snapshot.js';
export type { Finding, ReviewResult, FindingCvss, AppliedCondition } from './engine/review.js';
export { compareFindings } from './engine/review.js';
export { STANDARD_BASELINE, HIGH_SECURITY_BASELINE, BUILT_IN_BASELINES, parseBaseline, type Baseline } from './engine/baseline.js';
export { acceptRisk, parseAcceptedRisks, type AcceptedRisk, type AcceptanceNote } from './engine/accepted-risk.js';
export { failOnExitCode, findingsAtOrAbove, isFailOnBand, FAIL_ON_EXIT_CODE } from './engine/fail-on.js';
export { compareReviews, type ReviewComparison, type ComparableReview, type FindingChange } from './engine/compare-reviews.js';
export { scoreFindings, gradeOf, type Grade } from './engine/score.js';
export type { Severity, RiskCategory, FailOnBand } from './engine/severity.js';
export { snapshotFromConfig, type ConfigSnapshotOptions } from './sources/from-config.js';
export { snapshotFromStore, snapshotFromDomain, NoOrgError, type ReviewStore, type StoreSnapshotOptions } from './sources/from-store.js';
export { summarizeLoginEvents } from './sources/summarize-login-events.js';
export { renderReport, isReportFormat, REPORT_FORMATS, type ReportFormat, type RenderOptions } from './report/render-report.js';
export { toJsonReport, type JsonReport, type JsonFinding } from './report/json.js';
export { toSarif, type SarifLog } from './report/sarif.js';
export { formatProgress, PROGRESS_THRESHOLD_APPS } from './report/text.js';
export type { ScorePoint } from './report/html.js';
export { planFix, applyFixPlan, FIXABLE_CONTROLS, FixPlanError, type FixPlan, type FixPort, type AppChange, type PlannedChange, type BrokenIntegration } from './fix/plan-fix.js';

/** Reviews a snapshot with the whole catalogue (or `options.controls`). */
export function runReview(snapshot: Snapshot, options: Partial<ReviewOptions> & { controls?: readonly Control[] } = {}): ReviewResult {
  return reviewSnapshot(snapshot, { ...options, controls: options.controls ?? CONTROLS });
}

/**
 * `--baseline` argument: a built-in name (`standard`, `high-security`) or a custom baseline
 * file. Throws `ConfigError` (exit 2) for an unreadable or invalid file.
 */
export function resolveBaseline(nameOrFile: string | undefined): Baseline {
  if (nameOrFile === undefined) return BUILT_IN_BASELINES.standard;
  if (isBuiltInBaseline(nameOrFile)) return BUILT_IN_BASELINES[nameOrFile];
  return loadBaselineFile(nameOrFile, CONTROL_IDS);
}

/** Reads an accepted-risks file (YAML or JSON). Throws `ConfigError` (exit 2). */
export function loadAcceptedRisks(file: string): AcceptedRisk[] {
  return loadAcceptedRisksFile(file, CONTROL_IDS);
}

/** Parses accepted risks held as text (the admin API's store). */
export function readAcceptedRisks(text: string): AcceptedRisk[] {
  return parseAcceptedRisks(text, CONTROL_IDS);
}
