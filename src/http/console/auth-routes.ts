/** Sign-in, the second factor and sign-out. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { clientAddressOf } from '../endpoint-adapter.js';
import { FormFields } from './forms.js';
import { type ConsoleDeps, type ConsoleRouter, CSRF_REFUSAL, errorPage, isContentType, sendPage, SESSION_NOTICES } from './console-context.js';
import { secondFactorPage, signInPage } from './pages/sign-in-pages.js';
import { SessionManager } from './sessions.js';

/** 429 for an address past the failure limit, before any password or code is checked. */
function refuseWhileLimited(reply: FastifyReply, wait: number): FastifyReply {
  reply.header('retry-after', String(wait));
  return sendPage(reply, 429, errorPage('Too many attempts', `Too many refused sign-ins came from this address. Try again in ${wait} seconds.`));
}

export function registerAuthRoutes(scope: FastifyInstance, router: ConsoleRouter, deps: ConsoleDeps): void {
  const limit = deps.signInLimit;

  scope.get<{ Querystring: { signed_out?: string; session?: string } }>('/sign-in', async (req, reply) => {
    if (await deps.sessions.current(req, 'active')) return reply.redirect('/console/apps', 303);
    const csrfToken = deps.sessions.preSessionToken(req, reply);
    const ended = typeof req.query.session === 'string' ? (SESSION_NOTICES[req.query.session] ?? null) : null;
    return sendPage(reply, 200, signInPage({ csrfToken, notice: req.query.signed_out ? 'You have signed out.' : null, warning: ended }));
  });

  scope.post('/sign-in', async (req, reply) => {
    const address = clientAddressOf(req);
    const wait = limit?.retryAfter(address) ?? 0;
    if (wait > 0) return refuseWhileLimited(reply, wait);
    if (!isContentType(req, 'application/x-www-form-urlencoded')) return sendPage(reply, 415, errorPage('Unsupported form', 'Sign in with the form.'));
    const form = FormFields.fromUrlEncoded(req.body);
    if (!deps.sessions.checkPreSessionToken(req, form.raw('csrf_token'))) {
      return sendPage(reply, 403, errorPage('Request refused', CSRF_REFUSAL));
    }
    const username = form.text('username') ?? '';
    const result = await deps.auth.signIn({ username, password: form.raw('password') ?? '', clientAddress: address });
    if (result.outcome === 'refused') {
      await limit?.countFailure(address);
      const csrfToken = deps.sessions.preSessionToken(req, reply);
      return sendPage(reply, 401, signInPage({ csrfToken, username, error: result.message }));
    }
    await deps.sessions.start(req, reply, result.user.id, result.outcome === 'signed_in' ? 'active' : 'second_factor');
    return reply.redirect(result.outcome === 'signed_in' ? '/console/apps' : '/console/sign-in/verify', 303);
  });

  scope.get('/sign-in/verify', async (req, reply) => {
    const pending = await deps.sessions.current(req, 'second_factor');
    if (!pending) return reply.redirect((await deps.sessions.ended(req)) ? '/console/sign-in?session=verify' : '/console/sign-in', 303);
    return sendPage(reply, 200, secondFactorPage({ csrfToken: pending.csrfToken }));
  });

  scope.post('/sign-in/verify', async (req, reply) => {
    const address = clientAddressOf(req);
    const wait = limit?.retryAfter(address) ?? 0;
    if (wait > 0) return refuseWhileLimited(reply, wait);
    const pending = await deps.sessions.current(req, 'second_factor');
    if (!pending) return reply.redirect('/console/sign-in?session=verify', 303);
    const form = FormFields.fromUrlEncoded(isContentType(req, 'application/x-www-form-urlencoded') ? req.body : '');
    if (!SessionManager.checkCsrf(pending, form.raw('csrf_token'))) return sendPage(reply, 403, errorPage('Request refused', CSRF_REFUSAL));
    const result = await deps.auth.verifySecondFactor({ userId: pending.session.userId, code: form.text('code') ?? '', clientAddress: address });
    if (result.outcome === 'refused') await limit?.countFailure(address);
    if (result.outcome === 'signed_in') {
      await deps.sessions.start(req, reply, result.user.id, 'active');
      return reply.redirect('/console/apps', 303);
    }
    if (result.outcome === 'refused' && result.refusal !== 'totp_invalid') {
      await deps.sessions.end(req, reply);
      const csrfToken = deps.sessions.preSessionToken(req, reply);
      return sendPage(reply, 401, signInPage({ csrfToken, error: result.message }));
    }
    const message = result.outcome === 'refused' ? result.message : 'Enter the verification code.';
    return sendPage(reply, 401, secondFactorPage({ csrfToken: pending.csrfToken, error: message }));
  });

  router.form(
    '/sign-out',
    async ({ req, reply }) => {
      await deps.sessions.end(req, reply);
      return { redirect: '/console/sign-in?signed_out=1' };
    },
    // Signing out of a session that has already ended needs no sign-in first.
    '/console/sign-in?signed_out=1',
  );
}
