/**
 * The Health Review against the running server: build the snapshot from the store (traffic
 * included), review it with the accepted risks, keep the result, compare results, accept and
 * revoke risks, and apply the safe fixes through the same app service as every other write.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import { CONTROLS, CONTROL_IDS } from '../review/controls/index.js';
import { acceptRisk, type AcceptedRisk } from '../review/engine/accepted-risk.js';
import { BUILT_IN_BASELINES, isBuiltInBaseline, type Baseline } from '../review/engine/baseline.js';
import { compareReviews, type ComparableReview, type ReviewComparison } from '../review/engine/compare-reviews.js';
import type { ReviewResult } from '../review/engine/review.js';
import { reviewSnapshot } from '../review/engine/review.js';
import type { Snapshot } from '../review/engine/snapshot.js';
import { applyFixPlan, FixPlanError, planFix, type AppChange, type FixPlan } from '../review/fix/plan-fix.js';
import { toJsonReport, type JsonReport } from '../review/report/json.js';
import { snapshotFromStore, type ReviewStore } from '../review/sources/from-store.js';
import { AdminError } from './admin-errors.js';
import type { AppService } from './app-service.js';

/** A stored review, as listed. */
export interface ReviewSummary {
  readonly id: string;
  readonly generatedAt: Date;
  readonly score: number;
  readonly grade: string;
  readonly baseline: string;
  readonly appCount: number;
}

export interface StoredReview extends ReviewSummary {
  readonly report: JsonReport;
}

/** An accepted risk as stored, with its id. */
export interface StoredAcceptedRisk extends AcceptedRisk {
  readonly id: string;
}

/** Where reviews and accepted risks are kept. */
export interface ReviewHistoryStore {
  saveReview(review: StoredReview): Promise<void>;
  listReviews(limit: number): Promise<ReviewSummary[]>;
  getReview(id: string): Promise<StoredReview | undefined>;
  listAcceptedRisks(): Promise<StoredAcceptedRisk[]>;
  /** Replaces any acceptance of the same control and subject. */
  saveAcceptedRisk(risk: StoredAcceptedRisk): Promise<void>;
  deleteAcceptedRisk(id: string): Promise<boolean>;
}

export interface ReviewServiceDeps {
  readonly source: ReviewStore;
  readonly history: ReviewHistoryStore;
  readonly apps: AppService;
  readonly clock: Clock;
}

/** A review's JSON report read back as something `compareReviews` accepts. */
function comparable(review: StoredReview): ComparableReview {
  return { ...review.report, generatedAt: new Date(review.report.generatedAt) } as unknown as ComparableReview;
}

function baselineNamed(name: string | undefined): Baseline {
  if (name === undefined) return BUILT_IN_BASELINES.standard;
  if (!isBuiltInBaseline(name)) throw new AdminError('validation_failed', `baseline: must be one of ${Object.keys(BUILT_IN_BASELINES).join(', ')}`, 'baseline');
  return BUILT_IN_BASELINES[name];
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  snapshot(): Promise<Snapshot> {
    return snapshotFromStore(this.deps.source, { now: this.deps.clock.now() });
  }

  /** Reviews the org as it is now and keeps the result. */
  async run(options: { baseline?: string } = {}): Promise<{ id: string; result: ReviewResult }> {
    const baseline = baselineNamed(options.baseline);
    const [snapshot, acceptedRisks] = await Promise.all([this.snapshot(), this.deps.history.listAcceptedRisks()]);
    const result = reviewSnapshot(snapshot, { controls: CONTROLS, baseline, acceptedRisks });
    const id = randomUUID();
    await this.deps.history.saveReview({
      id,
      generatedAt: result.generatedAt,
      score: result.score,
      grade: result.grade,
      baseline: result.baseline,
      appCount: result.appCount,
      report: toJsonReport(result),
    });
    return { id, result };
  }

  list(limit = 50): Promise<ReviewSummary[]> {
    return this.deps.history.listReviews(Math.min(Math.max(limit, 1), 500));
  }

  async get(id: string): Promise<StoredReview> {
    const review = await this.deps.history.getReview(id);
    if (!review) throw new AdminError('not_found', `no review with id ${id}`);
    return review;
  }

  /** What changed between two stored reviews, and why the score moved. */
  async compare(beforeId: string, afterId: string): Promise<ReviewComparison> {
    const [before, after] = await Promise.all([this.get(beforeId), this.get(afterId)]);
    return compareReviews(comparable(before), comparable(after));
  }

  listAcceptedRisks(): Promise<StoredAcceptedRisk[]> {
    return this.deps.history.listAcceptedRisks();
  }

  /** Accepts the current finding of `control` on `subject`, as it stands in a fresh review. */
  async acceptRisk(input: { control: string; subject: string; reason: string; owner: string; expires: Date }): Promise<StoredAcceptedRisk> {
    if (!CONTROL_IDS.includes(input.control)) throw new AdminError('validation_failed', `control: no control has the id ${input.control}`, 'control');
    const snapshot = await this.snapshot();
    const result = reviewSnapshot(snapshot, { controls: CONTROLS });
    const finding = result.findings.find((f) => f.control === input.control && f.subject === input.subject);
    if (!finding) throw new AdminError('not_found', `no finding of ${input.control} on "${input.subject}"`, 'subject');
    if (finding.evaluatedStatus !== 'fail' && finding.evaluatedStatus !== 'warn') {
      throw new AdminError('conflict', `the finding of ${input.control} on "${input.subject}" is ${finding.evaluatedStatus}; only failing or warning findings can be accepted`);
    }
    let risk: AcceptedRisk;
    try {
      risk = acceptRisk(finding, { reason: input.reason, owner: input.owner, expires: input.expires, now: this.deps.clock.now() });
    } catch (err) {
      if (err instanceof Error && 'path' in err) throw new AdminError('validation_failed', err.message, String((err as { path: unknown }).path));
      throw err;
    }
    const stored = { ...risk, id: randomUUID() };
    await this.deps.history.saveAcceptedRisk(stored);
    return stored;
  }

  async revokeRisk(id: string): Promise<void> {
    if (!(await this.deps.history.deleteAcceptedRisk(id))) throw new AdminError('not_found', `no accepted risk with id ${id}`);
  }

  /** The safe remediation of `control` on an app: what would change and which integrations would break. */
  async planFix(control: string, appName: string): Promise<FixPlan> {
    try {
      return planFix(control, appName, await this.snapshot());
    } catch (err) {
      if (err instanceof FixPlanError) throw new AdminError(err.code === 'unknown_app' ? 'not_found' : 'validation_failed', err.message);
      throw err;
    }
  }

  /** Applies a plan made by {@link planFix}, through the app service. */
  async applyFix(plan: FixPlan): Promise<void> {
    try {
      await applyFixPlan(plan, { applyAppChanges: (appName, changes) => this.#apply(appName, changes) });
    } catch (err) {
      if (err instanceof FixPlanError) throw new AdminError('conflict', err.message);
      throw err;
    }
  }

  async #apply(appName: string, changes: readonly AppChange[]): Promise<void> {
    for (const change of changes) {
      switch (change.kind) {
        case 'disableFlow':
          await this.deps.apps.setFlow({ name: appName }, change.flow, false);
          break;
        case 'enforceIpRestrictions':
          await this.deps.apps.update({ name: appName }, { policies: { ipRelaxation: 'enforce' } });
          break;
        case 'requireJti':
          await this.deps.apps.update({ name: appName }, { requireJti: true });
          break;
      }
    }
  }
}
