/**
 * The admin web console at /console: server-rendered pages over the admin services. Registered
 * in its own encapsulated scope, apart from the public OAuth routes, with its own cookie
 * parsing, multipart parser, error pages and a strict Content-Security-Policy (no inline
 * script or style; the one stylesheet, script and icon are served from /console/assets/).
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AdminServices } from '../../admin/admin-services.js';
import { AdminError } from '../../admin/admin-errors.js';
import { ConsoleAuthService, type ConsoleAuthPolicy, type SignInRecorder, type SignInStateStore } from '../../admin/console-auth.js';
import type { Clock } from '../../platform/clock.js';
import { registerAppRoutes } from './app-routes.js';
import { CONSOLE_CSS, CONSOLE_ICON_SVG, CONSOLE_JS } from './assets.js';
import { registerAuthRoutes } from './auth-routes.js';
import { ConsoleRouter, errorPage, errorPageChrome, sendPage, type ConsoleDeps, type SignInLimit } from './console-context.js';
import { registerHistoryRoutes } from './history-routes.js';
import { registerOrgRoutes } from './org-routes.js';
import { MultipartError } from './multipart.js';
import { warnStoreOutage } from '../../oauth/endpoints/endpoint-response.js';
import { StoreUnavailableError } from '../../oauth/ports.js';
import { registerReviewRoutes } from './review-routes.js';
import type { ConsoleReview } from './review-port.js';
import { SessionManager, type ConsoleSessionStore, type SessionPolicy } from './sessions.js';
import { registerUserRoutes } from './user-routes.js';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** A service's or parser's lower-case detail as the console shows it: a sentence. */
function sentence(detail: string): string {
  return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`;
}

export interface ConsoleOptions {
  readonly services: AdminServices;
  readonly clock: Clock;
  /** Sign-in counters and sessions (storage). */
  readonly store: SignInStateStore & ConsoleSessionStore;
  /** Where sign-in attempts are written: the login history. */
  readonly recorder: SignInRecorder;
  readonly review?: ConsoleReview | null;
  /** Refused sign-ins count against the client address with the OAuth endpoints' refusals. */
  readonly signInLimit?: SignInLimit | null;
  readonly authPolicy?: ConsoleAuthPolicy;
  readonly sessionPolicy?: SessionPolicy;
}

/** Registers the console under /console. */
export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const deps: ConsoleDeps = {
    services: options.services,
    clock: options.clock,
    auth: new ConsoleAuthService({
      users: options.services.users,
      state: options.store,
      recorder: options.recorder,
      clock: options.clock,
      ...(options.authPolicy && { policy: options.authPolicy }),
    }),
    sessions: new SessionManager(options.store, () => options.clock.now(), options.sessionPolicy),
    review: options.review ?? null,
    signInLimit: options.signInLimit ?? null,
  };
  await app.register(
    async (scope) => {
      await scope.register(fastifyCookie);
      scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.header('content-security-policy', CONSOLE_CSP);
        return payload;
      });
      // An error page keeps the navigation for a signed-in administrator (errorPageChrome).
      scope.setErrorHandler(async (error: FastifyError | Error, req, reply) => {
        if (error instanceof StoreUnavailableError) {
          warnStoreOutage(error, req.log);
          reply.header('retry-after', String(error.retryAfterSeconds));
          return sendPage(reply, 503, errorPage('Temporarily unavailable', 'The database cannot be reached right now. Try again in a moment.'));
        }
        const chrome = await errorPageChrome(deps, req);
        if (error instanceof AdminError) {
          return sendPage(reply, error.status, errorPage(error.code === 'not_found' ? 'Not found' : error.title, sentence(error.detail), chrome));
        }
        if (error instanceof MultipartError) return sendPage(reply, error.status, errorPage('The form could not be read', sentence(error.message), chrome));
        const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
        if (status === 413) return sendPage(reply, 413, errorPage('Too large', 'The upload is too large: a certificate is a few kilobytes of PEM.', chrome));
        if (status < 500) return sendPage(reply, status, errorPage('Request refused', 'The request could not be understood.', chrome));
        req.log.error({ err: error, url: req.routeOptions.url }, 'console request failed');
        return sendPage(reply, 500, errorPage('Something went wrong', 'The console could not complete the request; the details are in the server log.', chrome));
      });
      scope.setNotFoundHandler(async (req, reply) => sendPage(reply, 404, errorPage('Not found', 'There is no console page at this address.', await errorPageChrome(deps, req))));

      scope.get('/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_CSS));
      scope.get('/assets/console.js', async (_req, reply) =>
        reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_JS),
      );
      scope.get('/assets/icon.svg', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(CONSOLE_ICON_SVG));
      scope.get('/', async (_req, reply) => reply.redirect('/console/apps', 303));

      const router = new ConsoleRouter(scope, deps);
      registerAuthRoutes(scope, router, deps);
      registerAppRoutes(router, deps);
      registerUserRoutes(router, deps);
      registerHistoryRoutes(router, deps);
      registerReviewRoutes(router, deps);
      registerOrgRoutes(router, deps);
    },
    { prefix: '/console' },
  );
}
