/**
 * The review: evaluates every control of the catalogue over a snapshot, places each open
 * finding's CVSS score in the range its category allows, applies accepted risks, and scores
 * the whole. Pure: the same snapshot, baseline and acceptances give the same result.
 */
import { indexAcceptedRisks, judgeAcceptance, type AcceptanceNote, type AcceptedRisk } from './accepted-risk.js';
import { STANDARD_BASELINE, type Baseline } from './baseline.js';
import type { Control, EvaluatedStatus, EvaluationContext, FindingStatus, Outcome, RiskCondition } from './control.js';
import { applyCvssOverrides, placeScore, scoreCvssVector } from './cvss.js';
import { gradeOf, scoreFindings, type Grade } from './score.js';
import { bandOfScore, categoryBelow, CATEGORY_RANGES, severityRank, type RiskCategory, type Severity } from './severity.js';
import type { AppTraffic, EvidenceLocation, Snapshot, SnapshotApp, SnapshotSourceKind } from './snapshot.js';

/** A risk condition that held and moved a finding's score. */
export interface AppliedCondition {
  readonly id: string;
  readonly kind: 'higher' | 'lower';
  readonly description: string;
}

/** A context-adjusted CVSS 3.1 score. */
export interface FindingCvss {
  /** The score placed in the control's range for its category (what severity is read from). */
  readonly score: number;
  /** The adjusted base vector. */
  readonly vector: string;
  /** The vector's own CVSS 3.1 base score, before placement. */
  readonly vectorScore: number;
}

/** One control's verdict on one subject. */
export interface Finding {
  readonly control: string;
  readonly title: string;
  readonly subject: string;
  readonly subjectKind: 'org' | 'app';
  readonly status: FindingStatus;
  /** What the control concluded, before any acceptance. */
  readonly evaluatedStatus: EvaluatedStatus;
  readonly severity: Severity;
  /** The control's category under the baseline (what the score weighs). */
  readonly category: RiskCategory;
  /** Present on fail, warn and accepted findings. */
  readonly cvss: FindingCvss | null;
  /** The higher- and low-risk conditions that held and moved the score. */
  readonly conditions: readonly AppliedCondition[];
  readonly evidence: string;
  readonly remediation: string;
  readonly location?: EvidenceLocation;
  /** The condition an acceptance remembers. */
  readonly state: string;
  readonly acceptance?: AcceptanceNote;
}

/** The result of one review. */
export interface ReviewResult {
  readonly score: number;
  readonly grade: Grade;
  readonly baseline: string;
  readonly generatedAt: Date;
  readonly source: SnapshotSourceKind;
  readonly origin?: string;
  readonly appCount: number;
  /** Most severe first. */
  readonly findings: readonly Finding[];
  /** Whether traffic-aware controls had a login history to read. */
  readonly trafficWindow: { readonly since: Date; readonly until: Date } | null;
}

export interface ReviewOptions {
  readonly controls: readonly Control[];
  readonly baseline?: Baseline;
  readonly acceptedRisks?: readonly AcceptedRisk[];
  /** Called every `progressEvery` apps and at the end, for a progress line. */
  readonly onProgress?: (appsDone: number, appsTotal: number) => void;
  readonly progressEvery?: number;
}

const EMPTY_TRAFFIC_USAGE: AppTraffic['usage'] = [];

/** Reviews a snapshot. */
export function reviewSnapshot(snapshot: Snapshot, options: ReviewOptions): ReviewResult {
  const baseline = options.baseline ?? STANDARD_BASELINE;
  const accepted = indexAcceptedRisks(options.acceptedRisks ?? []);
  const trafficByName = new Map((snapshot.traffic?.apps ?? []).map((t) => [t.appName, t]));
  const context: EvaluationContext = {
    snapshot,
    thresholds: baseline.thresholds,
    now: snapshot.takenAt,
    trafficOf(app) {
      if (snapshot.traffic === null) return null;
      return (
        trafficByName.get(app.name) ?? {
          appName: app.name,
          appId: app.id,
          lastTokenAt: null,
          usage: EMPTY_TRAFFIC_USAGE,
          clientAddresses: [],
          scopesUsed: null,
        }
      );
    },
  };

  const findings: Finding[] = [];
  const plans = options.controls.map((c) => planControl(c, baseline));
  for (const plan of plans) {
    const control = plan.control;
    if (control.scope === 'org') findings.push(toFinding(plan, guardTraffic(control, context) ?? control.evaluate(context), null, context, accepted));
  }
  const appPlans = plans.filter((p) => p.control.scope === 'app');
  const every = Math.max(1, options.progressEvery ?? 500);
  const total = snapshot.apps.length;
  snapshot.apps.forEach((app, i) => {
    for (const plan of appPlans) {
      const control = plan.control;
      if (control.scope !== 'app') continue;
      findings.push(toFinding(plan, guardTraffic(control, context) ?? control.evaluate(app, context), app, context, accepted));
    }
    if (options.onProgress && ((i + 1) % every === 0 || i + 1 === total)) options.onProgress(i + 1, total);
  });

  sortFindings(findings);
  const score = scoreFindings(findings);
  return {
    score,
    grade: gradeOf(score),
    baseline: baseline.name,
    generatedAt: snapshot.takenAt,
    source: snapshot.source,
    ...(snapshot.origin !== undefined ? { origin: snapshot.origin } : {}),
    appCount: snapshot.apps.length,
    findings,
    trafficWindow: snapshot.traffic ? snapshot.traffic.window : null,
  };
}

/** Traffic-aware controls have nothing to read in a snapshot without a login history. */
function guardTraffic(control: Control, context: EvaluationContext): Outcome | null {
  if (!control.metadata.needsTraffic || context.snapshot.traffic !== null) return null;
  return NO_TRAFFIC;
}

const NO_TRAFFIC: Outcome = {
  status: 'not_applicable',
  evidence: 'This review has no login history (an offline review of configuration); traffic-aware controls need a review against the running server.',
};

const STATUS_ORDER: Readonly<Record<FindingStatus, number>> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  accepted: 3,
  pass: 4,
  not_applicable: 5,
};

/**
 * Open findings first, then by severity and CVSS score, org before apps. Ties keep review
 * order: apps in snapshot order, controls in catalogue order.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return sortKey(a) - sortKey(b);
}

function sortKey(f: Finding): number {
  const cvss10 = f.cvss ? Math.round(f.cvss.score * 10) : 0;
  return STATUS_ORDER[f.status] * 100_000 + (4 - severityRank(f.severity)) * 10_000 + (100 - cvss10) * 10 + (f.subjectKind === 'org' ? 0 : 1);
}

/**
 * Sorts in place by {@link compareFindings}, stably. Each key carries the finding's index in
 * its low digits so that a typed-array sort (numeric, no comparator) does the work.
 */
function sortFindings(findings: Finding[]): void {
  const n = findings.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = sortKey(findings[i]!) * INDEX_SPACE + i;
  keys.sort();
  const sorted = new Array<Finding>(n);
  for (let i = 0; i < n; i++) sorted[i] = findings[keys[i]! % INDEX_SPACE]!;
  for (let i = 0; i < n; i++) findings[i] = sorted[i]!;
}

// Sort keys stay below 10^6, so key × 10^8 + index stays an exact integer in a double.
const INDEX_SPACE = 1e8;

/** What the engine works out once per control and reuses for every subject. */
interface ControlPlan {
  readonly control: Control;
  readonly category: RiskCategory;
  readonly remediation: string;
  /** Placed CVSS and severity by status and held conditions. */
  readonly scored: Map<string, { cvss: FindingCvss; severity: Severity }>;
  readonly applied: Map<RiskCondition, AppliedCondition>;
}

function planControl(control: Control, baseline: Baseline): ControlPlan {
  const meta = control.metadata;
  return {
    control,
    category: baseline.categories[control.id] ?? meta.cvss.category,
    remediation: meta.remediation.join(' '),
    scored: new Map(),
    applied: new Map(
      [...meta.higherRiskWhen, ...meta.lowRiskWhen].map((c) => [c, { id: c.id, kind: c.kind, description: c.description }]),
    ),
  };
}

function scoreOpen(plan: ControlPlan, status: 'fail' | 'warn', held: readonly RiskCondition[]): { cvss: FindingCvss; severity: Severity } {
  const key = `${status}|${held.map((c) => c.id).join('+')}`;
  const cached = plan.scored.get(key);
  if (cached) return cached;
  const meta = plan.control.metadata;
  const vector = applyCvssOverrides(
    meta.cvss.baseVector,
    held.map((c) => c.overrides),
  );
  const vectorScore = scoreCvssVector(vector);
  const target = status === 'fail' ? plan.category : categoryBelow(plan.category);
  const to = target === meta.cvss.category ? meta.cvss.range : CATEGORY_RANGES[target];
  const score = placeScore(vectorScore, meta.cvss.range, to);
  const scored = { cvss: { score, vector, vectorScore }, severity: target === 'informational' ? ('informational' as const) : bandOfScore(score) };
  plan.scored.set(key, scored);
  return scored;
}

const NO_CONDITIONS: readonly AppliedCondition[] = [];
const STATELESS: Readonly<Record<EvaluatedStatus, string>> = {
  pass: 'pass||',
  warn: 'warn||',
  fail: 'fail||',
  not_applicable: 'not_applicable||',
  unknown: 'unknown||',
};

function toFinding(
  plan: ControlPlan,
  outcome: Outcome,
  app: SnapshotApp | null,
  context: EvaluationContext,
  accepted: ReadonlyMap<string, readonly AcceptedRisk[]>,
): Finding {
  const meta = plan.control.metadata;
  const status = outcome.status;
  const open = status === 'fail' || status === 'warn';
  const held = open ? heldConditions(meta.higherRiskWhen, meta.lowRiskWhen, context, app) : [];
  const scored = open ? scoreOpen(plan, status, held) : null;
  const conditions = held.length === 0 ? NO_CONDITIONS : held.map((c) => plan.applied.get(c)!);
  const location =
    outcome.location ?? (app ? ((outcome.fact !== undefined ? app.locations?.[outcome.fact] : undefined) ?? app.location) : context.snapshot.org.location);
  const finding: Mutable<Finding> = {
    control: plan.control.id,
    title: meta.name,
    subject: app ? app.name : context.snapshot.org.name,
    subjectKind: app ? 'app' : 'org',
    status,
    evaluatedStatus: status,
    severity: scored ? scored.severity : plan.category,
    category: plan.category,
    cvss: scored ? scored.cvss : null,
    conditions,
    evidence: outcome.evidence,
    remediation: plan.remediation,
    state: held.length === 0 && outcome.state === undefined ? STATELESS[status] : `${status}|${held.map((c) => c.id).join('+')}|${outcome.state ?? ''}`,
  };
  if (location) finding.location = location;
  if (open && accepted.size > 0) {
    const acceptance = judgeAcceptance(finding, accepted, context.now);
    if (acceptance) {
      finding.acceptance = acceptance;
      if (acceptance.outcome === 'accepted') finding.status = 'accepted';
    }
  }
  return finding;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Higher-risk conditions that hold; low-risk ones only when no higher-risk condition holds,
 * so that a compensating control never hides an aggravating one.
 */
function heldConditions(
  higher: readonly RiskCondition[],
  lower: readonly RiskCondition[],
  context: EvaluationContext,
  app: SnapshotApp | null,
): RiskCondition[] {
  const raised = higher.filter((c) => c.holds(context, app));
  if (raised.length > 0) return raised;
  return lower.filter((c) => c.holds(context, app));
}
