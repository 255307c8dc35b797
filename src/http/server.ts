/**
 * The HTTP server: Fastify with one error boundary, security headers on every response, raw
 * form bodies for the OAuth endpoints, and trusted-proxy handling of client addresses.
 */
import Fastify, { LogController, type ConnectionError, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { InvalidRequestError, OAuthError } from '../oauth/errors/oauth-error.js';
import { NO_STORE_HEADERS, renderOAuthError } from '../oauth/errors/render.js';
import { storeUnavailable } from '../oauth/endpoints/endpoint-response.js';
import { StoreUnavailableError } from '../oauth/ports.js';
import { AdminError } from '../admin/admin-errors.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { errorPage, sendPage } from './console/console-context.js';
import { CONSOLE_CSP } from './console/console-routes.js';
import { STORE_OUTAGE_PROBLEM, renderProblem } from './problem.js';

export interface HttpOptions {
  /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route renders errors: OAuth (RFC 6749 §5.2), problem+json, or an HTML page. */
    errorFormat?: 'oauth' | 'problem' | 'html';
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Paths whose errors take the OAuth form (RFC 6749 §5.2), even before a route is chosen. */
const OAUTH_PATH = /^\/(services\/)?oauth2\//;
/** Console paths, whose errors are pages a browser shows. */
const CONSOLE_PATH = /^\/console(\/|\?|$)/;

/**
 * What Fastify refuses before choosing a route (a path that does not percent-decode, a path
 * parameter over its length limit) is answered in the form that path's family uses.
 */
function refuseUnroutable(error: FastifyError, url: string, reply: FastifyReply): FastifyReply {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  if (OAUTH_PATH.test(url)) {
    const rendered = renderOAuthError(new InvalidRequestError('the request URL is malformed', `http_${status}`));
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  }
  if (CONSOLE_PATH.test(url)) {
    reply.header('content-security-policy', CONSOLE_CSP);
    return sendPage(reply, status, errorPage('Request refused', 'The address could not be read: check the link and try again.'));
  }
  return reply.code(status).header('cache-control', 'no-store').type('application/problem+json').send(renderProblem(error, status));
}

const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers over the size limit,
 * a malformed request line, a request too slow to arrive) is answered in the form its path's
 * family uses, read from the request line alone. Fastify's own handler would log the raw
 * request at trace level, Authorization header included; this one logs nothing.
 */
function refuseUnparsable(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    const problem = status === 431 ? 'the request headers are too large' : status === 408 ? 'the request took too long to arrive' : 'the request could not be read';
    const raw: unknown = error.rawPacket;
    const path = /^[A-Z]+ (\S+)/.exec(Buffer.isBuffer(raw) ? raw.subarray(0, 2048).toString('latin1') : '')?.[1] ?? '';
    const [type, body] = OAUTH_PATH.test(path)
      ? ['application/json; charset=utf-8', { error: 'invalid_request', error_description: problem }]
      : ['application/problem+json; charset=utf-8', { ...renderProblem(null, 400), status, detail: problem }];
    const text = JSON.stringify(body);
    const headers = { 'content-type': type, 'content-length': Buffer.byteLength(text), ...NO_STORE_HEADERS, ...SECURITY_HEADERS, connection: 'close' };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${text}`);
  }
  socket.destroy();
}

/**
 * A store outage that reached the error boundary: 503 with `Retry-After` in the route's form
 * (RFC 6749 §5.2 `temporarily_unavailable`, or problem+json), logged once as a warning.
 */
function refuseWhileUnavailable(error: StoreUnavailableError, format: string, log: Pick<Logger, 'warn'>, reply: FastifyReply): FastifyReply {
  const rendered = renderOAuthError(storeUnavailable(error, log));
  if (format === 'oauth') return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  return reply.code(503).headers(rendered.headers).type('application/problem+json').send(STORE_OUTAGE_PROBLEM);
}

export function createHttpServer(log: Logger, options: HttpOptions): FastifyInstance {
  const serverOptions: FastifyServerOptions = {
    loggerInstance: log,
    // Requests are audited in the login history; the log keeps faults only.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    trustProxy: options.trustedProxies.length > 0 ? [...options.trustedProxies] : false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: true,
    frameworkErrors: (error, req, reply) => refuseUnroutable(error, req.url, reply),
    clientErrorHandler: refuseUnparsable,
  };
  const app = (
    options.tls ? Fastify({ ...serverOptions, https: { cert: options.tls.cert, key: options.tls.key } } as FastifyServerOptions) : Fastify(serverOptions)
  ) as FastifyInstance;

  // OAuth endpoints read the raw form and judge its content type themselves.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Callback style: an async hook would cost every response a promise.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | Error, req, reply) => {
    const format = req.routeOptions.config?.errorFormat ?? 'problem';
    if (error instanceof StoreUnavailableError) return refuseWhileUnavailable(error, format, req.log, reply);
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error, url: req.routeOptions.url }, 'request failed');
    if (format === 'oauth') {
      const oauthError =
        error instanceof OAuthError
          ? error
          : status < 500
            ? new InvalidRequestError(status === 413 ? 'the request body is too large' : 'the request is malformed', `http_${status}`)
            : error;
      const rendered = renderOAuthError(oauthError);
      return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
    }
    const problem = renderProblem(error instanceof AdminError ? error : error, status);
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });

  app.setNotFoundHandler((req, reply) => {
    const problem = renderProblem(new AdminError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`), 404);
    return reply.code(404).header('cache-control', 'no-store').type('application/problem+json').send(problem);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
