/**
 * What every console route shares: the dependencies, the guard that turns a request into a
 * signed-in administrator with a checked CSRF token, and how a page is sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { AdminServices } from '../../admin/admin-services.js';
import type { ConsoleAuthService } from '../../admin/console-auth.js';
import type { User } from '../../domain/user.js';
import type { Clock } from '../../platform/clock.js';
import { FormFields } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { MULTIPART_LIMITS, parseMultipart, type UploadedFile } from './multipart.js';
import type { AdminChrome } from './pages/app-pages.js';
import type { ConsoleReview } from './review-port.js';
import { SessionManager, type ActiveSession } from './sessions.js';

/**
 * The failure limit the OAuth endpoints keep per client address (docs/jwt-bearer.md "Failure
 * limit"), which refused sign-ins add to: each costs a scrypt hash, and the per-user lockout
 * does not stop one address trying many usernames.
 */
export interface SignInLimit {
  /** Seconds until the address may try again; 0 when it may now. */
  retryAfter(address: string): number;
  countFailure(address: string): Promise<void>;
}

export interface ConsoleDeps {
  readonly services: AdminServices;
  readonly auth: ConsoleAuthService;
  readonly sessions: SessionManager;
  readonly clock: Clock;
  /** The Security Health Review over Keygate's own data; null until it is wired. */
  readonly review: ConsoleReview | null;
  /** Null when no limit is wired; a limit turned off never refuses and counts nothing. */
  readonly signInLimit: SignInLimit | null;
}

/** A signed-in request. */
export interface AdminRequest {
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  readonly admin: User;
  readonly chrome: AdminChrome;
  readonly session: ActiveSession;
}

/** A signed-in form submission whose CSRF token matched. */
export interface AdminSubmission extends AdminRequest {
  readonly form: FormFields;
  readonly files: ReadonlyMap<string, UploadedFile>;
}

/** A handler's answer: a page (with its status), or a redirect after a successful write (POST/redirect/GET). */
export type ConsoleAnswer =
  | SafeHtml
  | { readonly status: number; readonly page: SafeHtml }
  | { readonly redirect: string }
  /** The handler sent the reply itself (a download). */
  | { readonly sent: true };

export function sendPage(reply: FastifyReply, status: number, page: SafeHtml): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value);
}

export function sendAnswer(reply: FastifyReply, answer: ConsoleAnswer): FastifyReply {
  if ('sent' in answer) return reply;
  if ('redirect' in answer) return reply.redirect(answer.redirect, 303);
  if ('page' in answer) return sendPage(reply, answer.status, answer.page);
  return sendPage(reply, 200, answer);
}

export function errorPage(title: string, message: string, chrome?: AdminChrome): SafeHtml {
  return layout(
    { title, ...(chrome && { admin: chrome }), notice: { kind: 'error', text: message } },
    html`<p><a href="/console/apps">Back to the console</a></p>`,
  );
}

/**
 * The navigation an error page (404, 413, 400, 500) shows: the signed-in administrator's, when
 * the request carries a valid session of one, else none, so an anonymous visitor learns
 * nothing. Read only ({@link SessionManager.peek}): an error page neither creates nor extends a
 * session. A failing lookup (the fault being reported may be the store's) leaves the page bare.
 */
export async function errorPageChrome(deps: Pick<ConsoleDeps, 'sessions' | 'auth'>, req: FastifyRequest): Promise<AdminChrome | undefined> {
  try {
    const session = await deps.sessions.peek(req);
    const admin = session && (await deps.auth.currentAdministrator(session.session.userId));
    return session && admin ? { username: admin.username, csrfToken: session.csrfToken } : undefined;
  } catch {
    return undefined;
  }
}

const CSRF_REFUSAL =
  "The form's security token is missing or out of date, so nothing was changed. Go back, reload the page and submit it again.";

/**
 * Why the sign-in page is shown instead of the page asked for, as its `session` query value:
 * `ended` when a page is opened with a session that has expired or was signed out, `unsaved`
 * when a form arrives without a session (it was not saved), `verify` when a pending second
 * factor has expired. Without it, a lapsed session would drop the administrator on a blank
 * sign-in form with no word that their change was lost.
 */
export const SESSION_NOTICES: Readonly<Record<string, string>> = {
  ended: 'Your session has ended: sign in again.',
  unsaved: 'Your session had ended, so the form you sent was not saved. Sign in again, then make the change again.',
  verify: 'The sign-in was not completed in time: enter your username and password again.',
};

/** Registers console routes behind the session guard. */
export class ConsoleRouter {
  constructor(
    private readonly scope: FastifyInstance,
    private readonly deps: ConsoleDeps,
  ) {}

  async #signedIn(req: FastifyRequest): Promise<{ admin: User; session: ActiveSession } | null> {
    const session = await this.deps.sessions.current(req, 'active');
    if (!session) return null;
    const admin = await this.deps.auth.currentAdministrator(session.session.userId);
    return admin ? { admin, session } : null;
  }

  #context(req: FastifyRequest, reply: FastifyReply, found: { admin: User; session: ActiveSession }): AdminRequest {
    return {
      req,
      reply,
      admin: found.admin,
      session: found.session,
      chrome: { username: found.admin.username, csrfToken: found.session.csrfToken },
    };
  }

  /** A GET page for signed-in administrators; others are sent to sign in, told when their session ended. */
  page<P = Record<string, string>>(url: string, handler: (ctx: AdminRequest, params: P) => Promise<ConsoleAnswer>): void {
    this.scope.get(url, async (req, reply) => {
      const found = await this.#signedIn(req);
      if (!found) return reply.redirect((await this.deps.sessions.ended(req)) ? '/console/sign-in?session=ended' : '/console/sign-in', 303);
      return sendAnswer(reply, await handler(this.#context(req, reply, found), req.params as P));
    });
  }

  /**
   * A URL-encoded form POST: signed in, CSRF token checked before the handler runs. A form
   * sent without a session leads to `signedOut` (by default the sign-in page saying the
   * form was not saved).
   */
  form<P = Record<string, string>>(
    url: string,
    handler: (ctx: AdminSubmission, params: P) => Promise<ConsoleAnswer>,
    signedOut = '/console/sign-in?session=unsaved',
  ): void {
    this.scope.post(url, async (req, reply) => {
      const found = await this.#signedIn(req);
      if (!found) return reply.redirect(signedOut, 303);
      if (!isContentType(req, 'application/x-www-form-urlencoded')) {
        return sendPage(reply, 415, errorPage('Unsupported form', 'The console accepts HTML form submissions only.', this.#context(req, reply, found).chrome));
      }
      const form = FormFields.fromUrlEncoded(req.body);
      return this.#submit(req, reply, found, form, new Map(), handler);
    });
  }

  /** A multipart/form-data POST (the certificate upload), bounded by {@link MULTIPART_LIMITS}. */
  multipart<P = Record<string, string>>(url: string, handler: (ctx: AdminSubmission, params: P) => Promise<ConsoleAnswer>): void {
    const options: RouteShorthandOptions = { bodyLimit: MULTIPART_LIMITS.bodyBytes };
    this.scope.post(url, options, async (req, reply) => {
      const found = await this.#signedIn(req);
      if (!found) return reply.redirect('/console/sign-in?session=unsaved', 303);
      if (!Buffer.isBuffer(req.body)) return sendPage(reply, 415, errorPage('Unsupported form', 'This form must be sent as multipart/form-data.', this.#context(req, reply, found).chrome));
      const parsed = parseMultipart(req.body, req.headers['content-type']);
      return this.#submit(req, reply, found, parsed.fields, parsed.files, handler);
    });
  }

  async #submit<P>(
    req: FastifyRequest,
    reply: FastifyReply,
    found: { admin: User; session: ActiveSession },
    form: FormFields,
    files: ReadonlyMap<string, UploadedFile>,
    handler: (ctx: AdminSubmission, params: P) => Promise<ConsoleAnswer>,
  ): Promise<FastifyReply> {
    const ctx = this.#context(req, reply, found);
    if (!SessionManager.checkCsrf(found.session, form.raw('csrf_token'))) {
      return sendPage(reply, 403, errorPage('Request refused', CSRF_REFUSAL, ctx.chrome));
    }
    return sendAnswer(reply, await handler({ ...ctx, form, files }, req.params as P));
  }
}

export function isContentType(req: FastifyRequest, type: string): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === type;
}

export { CSRF_REFUSAL };
