/** The Security Health Review: view the latest review, re-run it, accept and revoke risks. */
import { AdminError } from '../../admin/admin-errors.js';
import { isCalendarDate } from '../../platform/calendar-date.js';
import type { ConsoleDeps, ConsoleRouter } from './console-context.js';
import { labelledDetail } from './forms.js';
import { html } from './html.js';
import { layout, type Notice } from './layout.js';
import type { AppReviewStatus } from './pages/app-pages.js';
import { reviewPage, type RefusedAcceptance } from './pages/review-page.js';
import type { ConsoleReview } from './review-port.js';

const SAVED: Record<string, string> = {
  run: 'The review ran again.',
  accepted: 'The risk was accepted; the review ran again.',
  revoked: 'The acceptance was revoked; the review ran again.',
};

/** Per-app counts of the latest stored review, by app name; null when no review has run. */
export async function latestStatusByApp(review: ConsoleReview | null): Promise<ReadonlyMap<string, AppReviewStatus> | null> {
  if (!review) return null;
  const [latest] = await review.list(1);
  if (!latest) return null;
  const { report } = await review.get(latest.id);
  const counts = new Map<string, { failing: number; warnings: number; accepted: number }>();
  for (const f of report.findings) {
    if (f.subjectKind !== 'app') continue;
    const c = counts.get(f.subject) ?? { failing: 0, warnings: 0, accepted: 0 };
    if (f.status === 'fail') c.failing += 1;
    else if (f.status === 'warn') c.warnings += 1;
    else if (f.status === 'accepted') c.accepted += 1;
    counts.set(f.subject, c);
  }
  return counts;
}

export function registerReviewRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  const unavailable = layout({ title: 'Security Health Review', section: 'review' }, html`<p>The review is not available on this server.</p>`);

  async function render(chrome: { username: string; csrfToken: string }, review: ConsoleReview, notice: Notice | null, status = 200, refusedAcceptance: RefusedAcceptance | null = null) {
    const [history, accepted, apps] = await Promise.all([review.list(30), review.listAcceptedRisks(), deps.services.apps.list()]);
    const latest = history[0] ? await review.get(history[0].id) : null;
    const page = reviewPage({ admin: chrome, latest, history, accepted, appIds: new Map(apps.map((a) => [a.name, a.id])), now: deps.clock.now(), notice, refusedAcceptance });
    return { status, page };
  }

  router.page('/review', async ({ chrome, req }) => {
    if (!deps.review) return { status: 503, page: unavailable };
    const key = (req.query as { saved?: string }).saved;
    return render(chrome, deps.review, key && SAVED[key] ? { kind: 'ok', text: SAVED[key] } : null);
  });

  router.form('/review/run', async () => {
    if (!deps.review) return { status: 503, page: unavailable };
    await deps.review.run();
    return { redirect: '/console/review?saved=run' };
  });

  router.form('/review/accept', async ({ chrome, form }) => {
    if (!deps.review) return { status: 503, page: unavailable };
    const typed = form.texts('control', 'subject', 'reason', 'owner', 'expires');
    // A day the calendar lacks (2026-02-31) would otherwise roll into the next month.
    const expires = /^\d{4}-\d{2}-\d{2}$/.test(typed.expires) && isCalendarDate(typed.expires) ? new Date(`${typed.expires}T23:59:59.999Z`) : null;
    try {
      if (!expires) throw new AdminError('validation_failed', 'expires: enter a date', 'expires');
      await deps.review.acceptRisk({ control: typed.control, subject: typed.subject, reason: typed.reason, owner: typed.owner, expires });
      await deps.review.run();
      return { redirect: '/console/review?saved=accepted' };
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      // What was typed goes back into the finding's form, opened, beside the message.
      const text = `The risk was not accepted: ${labelledDetail(err, { reason: 'Reason', owner: 'Owner', expires: 'Expires' })}.`;
      return render(chrome, deps.review, { kind: 'error', text }, err.status, { ...typed, field: err.field, message: text });
    }
  });

  router.form<{ id: string }>('/review/accepted/:id/revoke', async (_ctx, { id }) => {
    if (!deps.review) return { status: 503, page: unavailable };
    await deps.review.revokeRisk(id);
    await deps.review.run();
    return { redirect: '/console/review?saved=revoked' };
  });
}
