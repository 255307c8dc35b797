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
  const judge = (control: Control, outcome: Outcome, app: SnapshotApp | null): void => {
    findings.push(toFinding(control, outcome, app, context, baseline, accepted));
  };

  for (const control of options.controls) {
    if (control.scope === 'org') judge(control, guardTraffic(control, context) ?? control.evaluate(context), null);
  }
  const appControls = options.controls.filter((c) => c.scope === 'app');
  const every = Math.max(1, options.progressEvery ?? 500);
  const total = snapshot.apps.length;
  snapshot.apps.forEach((app, i) => {
    for (const control of appControls) {
      judge(control, guardTraffic(control, context) ?? control.evaluate(app, context), app);
    }
    if (options.onProgress && ((i + 1) % every === 0 || i + 1 === total)) options.onProgress(i + 1, total);
  });

  findings.sort(compareFindings);
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
  return {
    status: 'not_applicable',
    evidence: 'This review has no login history (an offline review of configuration); traffic-aware controls need a review against the running server.',
  };
}

const STATUS_ORDER: Readonly<Record<FindingStatus, number>> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  accepted: 3,
  pass: 4,
  not_applicable: 5,
};

/** Open findings first, then by severity, CVSS score, subject and control. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) ||
    (a.subjectKind === b.subjectKind ? 0 : a.subjectKind === 'org' ? -1 : 1) ||
    a.subject.localeCompare(b.subject) ||
    a.control.localeCompare(b.control)
  );
}

function toFinding(
  control: Control,
  outcome: Outcome,
  app: SnapshotApp | null,
  context: EvaluationContext,
  baseline: Baseline,
  accepted: ReadonlyMap<string, AcceptedRisk>,
): Finding {
  const meta = control.metadata;
  const category = baseline.categories[control.id] ?? meta.cvss.category;
  const open = outcome.status === 'fail' || outcome.status === 'warn';
  const conditions = open ? heldConditions(meta.higherRiskWhen, meta.lowRiskWhen, context, app) : [];
  let cvss: FindingCvss | null = null;
  let severity: Severity = category;
  if (open) {
    const vector = applyCvssOverrides(
      meta.cvss.baseVector,
      conditions.map((c) => c.overrides),
    );
    const vectorScore = scoreCvssVector(vector);
    const target = outcome.status === 'fail' ? category : categoryBelow(category);
    const to = target === meta.cvss.category ? meta.cvss.range : CATEGORY_RANGES[target];
    const score = placeScore(vectorScore, meta.cvss.range, to);
    cvss = { score, vector, vectorScore };
    severity = target === 'informational' ? 'informational' : bandOfScore(score);
  }
  const subject = app ? app.name : context.snapshot.org.name;
  const state = [outcome.status, conditions.map((c) => c.id).join('+'), outcome.state ?? ''].join('|');
  const location = outcome.location ?? (app ? ((outcome.fact && app.locations?.[outcome.fact]) ?? app.location) : context.snapshot.org.location);
  const base = {
    control: control.id,
    title: meta.name,
    subject,
    subjectKind: app ? ('app' as const) : ('org' as const),
    evaluatedStatus: outcome.status,
    severity,
    category,
    cvss,
    conditions: conditions.map(({ id, kind, description }) => ({ id, kind, description })),
    evidence: outcome.evidence,
    remediation: meta.remediation.join(' '),
    ...(location ? { location } : {}),
    state,
  };
  const acceptance = open ? judgeAcceptance(base, accepted, context.now) : null;
  if (!acceptance) return { ...base, status: outcome.status };
  return { ...base, status: acceptance.outcome === 'accepted' ? 'accepted' : outcome.status, acceptance };
}

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
