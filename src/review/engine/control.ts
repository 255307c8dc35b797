/**
 * The shape of a review control: `{ id, metadata, evaluate }`, its metadata carrying every
 * field of the seed control (name, recommended configuration, overview, risk, threats, CVSS
 * range and base vector, impact, higher- and low-risk conditions as predicates, business
 * considerations, remediation, guidance, references). Evaluation is pure over a snapshot.
 */
import type { CvssOverrides } from './cvss.js';
import type { RiskCategory } from './severity.js';
import type { AppFact, AppTraffic, EvidenceLocation, Snapshot, SnapshotApp } from './snapshot.js';

/** What a control concluded for one subject. `accepted` is added later by the engine. */
export type EvaluatedStatus = 'pass' | 'warn' | 'fail' | 'not_applicable' | 'unknown';

/** Finding statuses, as reported. */
export type FindingStatus = EvaluatedStatus | 'accepted';

/** Thresholds a baseline may change. */
export interface Thresholds {
  /** Warn when a certificate (or a consumer secret's maximum age) is this close to its end. */
  readonly certificateExpiryWarningDays: number;
  /** Longest acceptable access-token lifetime for an app, in minutes. */
  readonly maxSessionTimeoutMinutes: number;
  /** Oldest acceptable consumer secret, in days. */
  readonly maxConsumerSecretAgeDays: number;
  /** An app with no token issued for this many days is dormant. */
  readonly dormantDays: number;
  /** Without `jti`, an assertion lifetime above this many seconds is a wide replay window. */
  readonly maxReplayWindowSeconds: number;
}

/** Everything an evaluation may read; nothing in it performs I/O. */
export interface EvaluationContext {
  readonly snapshot: Snapshot;
  readonly thresholds: Thresholds;
  /** The instant dates are judged against (the snapshot's `takenAt`). */
  readonly now: Date;
  /**
   * The app's traffic: null when the snapshot has no login history, an empty record when
   * the app made no request in the window.
   */
  trafficOf(app: SnapshotApp): AppTraffic | null;
}

/**
 * A condition from the control's "higher risk when" or "low risk when" list, as a predicate.
 * When it holds on an open finding its overrides are applied to the base vector. A predicate
 * whose facts are unknown must return false: an unknown fact neither raises nor lowers risk.
 */
export interface RiskCondition {
  readonly id: string;
  readonly kind: 'higher' | 'lower';
  /** One sentence, in the project's words. */
  readonly description: string;
  readonly overrides: CvssOverrides;
  holds(context: EvaluationContext, app: SnapshotApp | null): boolean;
}

/** A reference a control cites. */
export interface ControlReference {
  readonly title: string;
  readonly url: string;
}

/** The seed control's fields, for one control. */
export interface ControlMetadata {
  /** Short title, e.g. "External Client Apps: OAuth Flow Enablement: Enable JWT Bearer Flow". */
  readonly name: string;
  readonly family: 'External Client Apps' | 'Org' | 'Traffic';
  readonly recommendedConfiguration: string;
  readonly overview: string;
  readonly riskIfNotConfigured: string;
  readonly threatScenarios: string;
  readonly cvss: {
    /** The control's default risk category; a baseline may re-categorise it. */
    readonly category: RiskCategory;
    /** The estimated range a failing finding's score stays within, e.g. [7.0, 8.9]. */
    readonly range: readonly [number, number];
    /** CVSS 3.1 base vector the context adjustments start from. */
    readonly baseVector: string;
  };
  readonly riskImpactConsiderations: string;
  readonly higherRiskWhen: readonly RiskCondition[];
  readonly lowRiskWhen: readonly RiskCondition[];
  readonly businessConsiderations: string;
  /** Ordered steps. */
  readonly remediation: readonly string[];
  readonly guidance: string;
  readonly references: readonly ControlReference[];
  /** Whether the control needs the login history (`not_applicable` without it). */
  readonly needsTraffic: boolean;
}

/** One subject's outcome, as a control reports it. */
export interface Outcome {
  readonly status: EvaluatedStatus;
  /** One sentence naming the setting or traffic observed. */
  readonly evidence: string;
  /** The fact judged, so the engine can point at where it was read. */
  readonly fact?: AppFact;
  /** An explicit location, when the control knows better than the fact's. */
  readonly location?: EvidenceLocation;
  /**
   * A short, stable description of the failing condition (not of counters that move every
   * day). An accepted risk remembers it; when it changes, the acceptance no longer applies.
   */
  readonly state?: string;
}

interface ControlBase {
  readonly id: string;
  readonly metadata: ControlMetadata;
}

/** A control judged once per app. */
export interface AppControl extends ControlBase {
  readonly scope: 'app';
  evaluate(app: SnapshotApp, context: EvaluationContext): Outcome;
}

/** A control judged once for the org. */
export interface OrgControl extends ControlBase {
  readonly scope: 'org';
  evaluate(context: EvaluationContext): Outcome;
}

export type Control = AppControl | OrgControl;
