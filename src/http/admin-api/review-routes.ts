/**
 * The Health Review on the admin API: run a review against the store (traffic included) and
 * keep it, list and read past reviews, compare two of them, accept and revoke risks, and plan
 * or apply a safe fix. Every route calls {@link ReviewService}, as the console and the CLI do;
 * nothing here reads storage. Registered by `registerAdminApi` inside its authenticated
 * context, so each route needs an `admin` token of a `ManageUsers` user.
 *
 * docs/admin-api.md ("Health Review") describes the routes and openapi.ts their schemas.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AdminError } from '../../admin/admin-errors.js';
import type { AdminServices } from '../../admin/admin-services.js';
import { parseInput } from '../../admin/inputs.js';
import type { ReviewSummary, StoredAcceptedRisk, StoredReview } from '../../admin/review-service.js';
import { BUILT_IN_BASELINES, type BuiltInBaselineName } from '../../review/engine/baseline.js';
import type { ReviewComparison } from '../../review/engine/compare-reviews.js';
import type { ExternalClientApp } from '../../domain/app.js';
import type { AppChange, FixPlan } from '../../review/fix/plan-fix.js';
import type { JsonReport } from '../../review/report/json.js';
import { jsonBody } from './admin-api-problems.js';

/** Most reviews `GET /reviews` lists at once, and its default. */
export const REVIEW_LIST_MAX_LIMIT = 500;
export const REVIEW_LIST_DEFAULT_LIMIT = 50;

const BASELINE_NAMES = Object.keys(BUILT_IN_BASELINES) as [BuiltInBaselineName, ...BuiltInBaselineName[]];

const RunReviewBody = z.strictObject({
  baseline: z.enum(BASELINE_NAMES, { message: `must be one of ${BASELINE_NAMES.join(', ')}` }).optional(),
});

const ReviewListQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(REVIEW_LIST_MAX_LIMIT, `must be at most ${REVIEW_LIST_MAX_LIMIT}`))
    .default(REVIEW_LIST_DEFAULT_LIMIT),
});

const reviewId = z.string().min(1, 'must name a review id');
const CompareQuery = z.strictObject({ before: reviewId, after: reviewId });

const controlId = z.string().min(1, 'must name a control id');
const appIdOrName = z.string().min(1, 'must name an app by id or name');
const FixPlanQuery = z.strictObject({ control: controlId, app: appIdOrName });
const ApplyFixBody = z.strictObject({
  control: controlId,
  app: appIdOrName,
  confirm: z.literal(true, { message: 'must be true to apply the change; GET /reviews/fix-plan shows it first' }),
});

/**
 * An RFC 3339 date (the acceptance lasts to the end of that UTC day, as in an accepted-risks
 * file) or a date-time with an offset.
 */
const expiry = z.string().transform((value, ctx) => {
  const at = z.iso.date().safeParse(value).success
    ? new Date(`${value}T23:59:59.999Z`)
    : z.iso.datetime({ offset: true }).safeParse(value).success
      ? new Date(value)
      : null;
  if (at === null || Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date (2026-12-31, to the end of that UTC day) or date-time (2026-12-31T18:00:00Z)' });
    return z.NEVER;
  }
  return at;
});

const AcceptRiskBody = z.strictObject({
  control: controlId,
  subject: z.string().min(1, "must name the org's or an app's name"),
  reason: z.string().trim().min(1, 'an accepted risk needs a reason'),
  owner: z.string().trim().min(1, 'an accepted risk needs an owner'),
  expires: expiry,
});

// Wire shapes (camelCase, dates as RFC 3339 strings).

export interface ReviewSummaryDto {
  id: string;
  generatedAt: string;
  score: number;
  grade: string;
  baseline: string;
  appCount: number;
}

export interface ReviewDto extends ReviewSummaryDto {
  /** Findings counted by status. */
  summary: Readonly<Record<string, number>>;
  report: JsonReport;
}

export interface AcceptedRiskDto {
  id: string;
  control: string;
  subject: string;
  reason: string;
  owner: string;
  expires: string;
  acceptedAt: string | null;
  /** The finding's condition when accepted; a different one reopens the finding. */
  state: string | null;
}

function toReviewSummaryDto(review: ReviewSummary): ReviewSummaryDto {
  return {
    id: review.id,
    generatedAt: review.generatedAt.toISOString(),
    score: review.score,
    grade: review.grade,
    baseline: review.baseline,
    appCount: review.appCount,
  };
}

function toReviewDto(review: StoredReview): ReviewDto {
  return { ...toReviewSummaryDto(review), summary: review.report.summary, report: review.report };
}

function toAcceptedRiskDto(risk: StoredAcceptedRisk): AcceptedRiskDto {
  return {
    id: risk.id,
    control: risk.control,
    subject: risk.subject,
    reason: risk.reason,
    owner: risk.owner,
    expires: risk.expires.toISOString(),
    acceptedAt: risk.acceptedAt ? risk.acceptedAt.toISOString() : null,
    state: risk.state ?? null,
  };
}

function toComparisonDto(before: string, after: string, comparison: ReviewComparison) {
  return { before, after, ...comparison };
}

function toFixPlanDto(plan: FixPlan) {
  return {
    control: plan.control,
    app: plan.app,
    changes: plan.changes,
    breaks: plan.breaks === null ? null : plan.breaks.map((b) => ({ ...b, lastSeen: b.lastSeen.toISOString() })),
    blocked: plan.blocked,
    summary: plan.summary,
  };
}

/** The query string, refusing a repeated parameter rather than reading one of its values. */
function queryOf(req: FastifyRequest): Record<string, unknown> {
  const query = req.query as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new AdminError('validation_failed', `${name}: must be given once`, name);
  }
  return query;
}

/** An app's name from its id or name (the fix planner addresses apps by name). */
async function appNameOf(services: AdminServices, idOrName: string): Promise<string> {
  try {
    return (await services.apps.get({ id: idOrName })).name;
  } catch (err) {
    if (err instanceof AdminError && err.code === 'not_found') return idOrName;
    throw err;
  }
}

/** Plans a fix, naming the parameter a refusal is about. */
async function planFix(services: AdminServices, control: string, app: string): Promise<FixPlan> {
  try {
    return await services.reviews.planFix(control, await appNameOf(services, app));
  } catch (err) {
    if (err instanceof AdminError && err.field === undefined) {
      if (err.code === 'not_found') throw new AdminError('not_found', err.detail, 'app');
      if (err.code === 'validation_failed') throw new AdminError('validation_failed', `control: ${err.detail}`, 'control');
    }
    throw err;
  }
}

function created(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(201).header('location', location);
}

/** The app as a planned change would leave it. */
function withChange(app: ExternalClientApp, change: AppChange): ExternalClientApp {
  switch (change.kind) {
    case 'disableFlow':
      return { ...app, flows: { ...app.flows, [change.flow]: false } };
    case 'enforceIpRestrictions':
      return { ...app, policies: { ...app.policies, ipRelaxation: 'enforce' } };
    case 'requireJti':
      return { ...app, requireJti: true };
  }
}

/** Refuses a change to `target` that would lock the caller out (admin-lockout.ts). */
export type LockoutGuard = (req: FastifyRequest, target: ExternalClientApp, change: (app: ExternalClientApp) => ExternalClientApp) => Promise<void>;

/** Registers the review routes on the admin API's authenticated context. */
export function registerReviewRoutes(secured: FastifyInstance, services: AdminServices, refuseLockout: LockoutGuard): void {
  const prefix = secured.prefix;

  secured.post('/reviews', async (req, reply) => {
    const { baseline } = parseInput(RunReviewBody, jsonBody(req, { optional: true }));
    const { id } = await services.reviews.run(baseline === undefined ? {} : { baseline });
    return created(reply, `${prefix}/reviews/${id}`).send(toReviewDto(await services.reviews.get(id)));
  });

  secured.get('/reviews', async (req) => {
    const { limit } = parseInput(ReviewListQuery, queryOf(req));
    return { items: (await services.reviews.list(limit)).map(toReviewSummaryDto) };
  });

  // Static paths under /reviews win over /reviews/:id in Fastify's router.
  secured.get('/reviews/compare', async (req) => {
    const { before, after } = parseInput(CompareQuery, queryOf(req));
    return toComparisonDto(before, after, await services.reviews.compare(before, after));
  });

  secured.get('/reviews/fix-plan', async (req) => {
    const { control, app } = parseInput(FixPlanQuery, queryOf(req));
    return toFixPlanDto(await planFix(services, control, app));
  });

  secured.post('/reviews/fix', async (req) => {
    const { control, app } = parseInput(ApplyFixBody, jsonBody(req));
    const plan = await planFix(services, control, app);
    if (plan.changes.length > 0) {
      const target = await services.apps.get({ name: plan.app });
      await refuseLockout(req, target, (current) => plan.changes.reduce((next, planned) => withChange(next, planned.change), current));
    }
    await services.reviews.applyFix(plan);
    return { applied: plan.changes.length > 0, ...toFixPlanDto(plan) };
  });

  secured.get<{ Params: { id: string } }>('/reviews/:id', async (req) => toReviewDto(await services.reviews.get(req.params.id)));

  secured.get('/accepted-risks', async () => ({ items: (await services.reviews.listAcceptedRisks()).map(toAcceptedRiskDto) }));

  secured.post('/accepted-risks', async (req, reply) => {
    const input = parseInput(AcceptRiskBody, jsonBody(req));
    const risk = await services.reviews.acceptRisk(input);
    return created(reply, `${prefix}/accepted-risks/${risk.id}`).send(toAcceptedRiskDto(risk));
  });

  secured.delete<{ Params: { id: string } }>('/accepted-risks/:id', async (req, reply) => {
    await services.reviews.revokeRisk(req.params.id);
    return reply.code(204).send();
  });
}
