/**
 * The admin API's error family: problem+json bodies (RFC 9457) with a stable `code`. The codes
 * are the admin services' {@link AdminErrorCode}s plus the few that only HTTP can produce (an
 * unreadable body, a wrong media type). docs/admin-api.md lists every code; a test keeps the two
 * in step.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ERROR_CODES, AdminError } from '../../admin/admin-errors.js';
import { warnStoreOutage } from '../../oauth/endpoints/endpoint-response.js';
import { StoreUnavailableError } from '../../oauth/ports.js';
import { STORE_OUTAGE_PROBLEM, renderProblem, type Problem } from '../problem.js';

/** Problems raised by the HTTP layer of the admin API rather than by the services. */
export type HttpProblemCode =
  | 'bad_request'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'unsupported_charset'
  | 'payload_too_large'
  | 'not_acceptable'
  | 'internal_error';

const HTTP_PROBLEMS: Record<HttpProblemCode, { status: number; title: string }> = {
  bad_request: { status: 400, title: 'The request is not valid' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unsupported_charset: { status: 415, title: 'Unsupported charset' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  internal_error: { status: 500, title: 'Internal error' },
};

/** Every `code` the admin API can answer with. */
export const ADMIN_API_PROBLEM_CODES: readonly string[] = [...ADMIN_ERROR_CODES, ...(Object.keys(HTTP_PROBLEMS) as HttpProblemCode[]), STORE_OUTAGE_PROBLEM.code];

export class HttpProblemError extends Error {
  constructor(
    readonly code: HttpProblemCode,
    readonly detail: string,
    /** The dotted path of the offending part of the body, when there is one. */
    readonly field?: string,
  ) {
    super(detail);
    this.name = 'HttpProblemError';
  }
}

/** The JSON object body; `{}` when the route allows none and none was sent. */
export function jsonBody(req: FastifyRequest, options: { optional?: boolean } = {}): Record<string, unknown> {
  const contentType = req.headers['content-type'];
  if (contentType === undefined) {
    if (options.optional && (req.body === undefined || req.body === null)) return {};
    throw new HttpProblemError('bad_request', 'the request needs a JSON object body with Content-Type: application/json');
  }
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpProblemError('unsupported_media_type', `send the body as application/json, not ${contentType.split(';')[0]}`);
  }
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminError('validation_failed', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

type Done = (err: Error | null, body?: unknown) => void;
type BodyParser<B> = (req: FastifyRequest, body: B, done: Done) => void;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** One `; name=value` parameter of a media type (RFC 9110 §5.6.6), the value a token or a quoted-string. */
const MEDIA_TYPE_PARAMETER = /;[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[!#$%&'*+.^_`|~0-9A-Za-z-]*)/g;

/** The names UTF-8 goes by as a charset: its IANA name and the alias many clients send. */
const UTF8_LABELS = new Set(['utf-8', 'utf8']);

/**
 * The first `charset` a Content-Type declares other than UTF-8, lower-cased and unquoted, or
 * null. A parameter's name is case-insensitive (RFC 9110 §5.6.6), and so is a charset (§8.3.2).
 */
function foreignCharset(contentType: string | undefined): string | null {
  for (const [, name = '', value = ''] of (contentType ?? '').matchAll(MEDIA_TYPE_PARAMETER)) {
    if (name.toLowerCase() !== 'charset') continue;
    const charset = (value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value).toLowerCase();
    if (!UTF8_LABELS.has(charset)) return charset;
  }
  return null;
}

/**
 * Fastify's JSON parser, which refuses `__proto__` and `constructor.prototype` keys, with
 * five differences:
 * - a body labelled with a charset other than UTF-8 is refused rather than read as UTF-8:
 *   Latin-1 `Ã©` is the bytes of UTF-8 `é`, so it would be stored as a name the client never sent;
 * - bytes that are not UTF-8, and `\u` escapes of half a surrogate pair, are refused rather
 *   than turned into U+FFFD in a stored name;
 * - a DELETE labelled JSON may come without a body (several HTTP clients send one so);
 * - a refused key is named instead of being called invalid JSON;
 * - a key given twice in one object is refused: RFC 8259 §4 leaves duplicates to the parser,
 *   and `JSON.parse` keeps the last silently, so a proxy or log reading the first would see
 *   another request than the one applied.
 */
export function adminJsonParser(parseJson: BodyParser<string>): BodyParser<Buffer> {
  return (req, bytes, done) => {
    const charset = foreignCharset(req.headers['content-type']);
    if (charset !== null) {
      return done(new HttpProblemError('unsupported_charset', `the body must be UTF-8: send it labelled charset=utf-8 or with no charset, not charset=${charset.slice(0, 40)}`));
    }
    let body: string;
    try {
      body = UTF8.decode(bytes);
    } catch {
      return done(new HttpProblemError('bad_request', 'the request body is not valid UTF-8'));
    }
    if (body === '' && req.method === 'DELETE') return done(null, undefined);
    parseJson(req, body, (err, value) => {
      if (err && isJson(body)) return done(new HttpProblemError('bad_request', 'the body names __proto__ or constructor.prototype, which are refused'));
      // A \uD800 escape decodes to half a character that no UTF-8 byte sequence carries: stored,
      // it would become U+FFFD just as a non-UTF-8 byte would.
      if (!err && !isWellFormedJson(value)) return done(new HttpProblemError('bad_request', 'the request body is not valid UTF-8: it escapes half of a surrogate pair'));
      const duplicate = err ? null : duplicateKeyPath(body);
      if (duplicate !== null) return done(new HttpProblemError('bad_request', `the body names "${duplicate}" more than once; send each key once`, duplicate));
      done(err, value);
    });
  };
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether every string and key in a parsed JSON value is well-formed UTF-16 (no lone
 * surrogate). Walked with a stack, not recursion: a body may nest thousands of levels deep.
 */
function isWellFormedJson(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return false;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return false;
        pending.push(item);
      }
    }
  }
  return true;
}

type Frame = { readonly keys: Set<string>; key: string } | { index: number };

/**
 * The dotted path of the first key repeated within one object of `text`, which must be valid
 * JSON, or null. Keys are compared as decoded (`"a"` and `"\u0061"` are the same key). One pass
 * over the text with a stack, not recursion: a body may nest thousands of levels deep.
 */
function duplicateKeyPath(text: string): string | null {
  const stack: Frame[] = [];
  let expectKey = false;
  const pathTo = (last: string): string => [...stack.slice(0, -1).map((f) => ('keys' in f ? f.key : String(f.index))), last].join('.');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top !== undefined && 'keys' in top) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      stack.push({ keys: new Set(), key: '' });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top !== undefined && 'keys' in top) expectKey = true;
      else if (top !== undefined) top.index++;
    }
  }
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A refused admin credential: 401 or 403 with the RFC 6750 §3 challenge in `WWW-Authenticate`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class AdminAuthError extends AdminError {
  constructor(
    code: 'unauthorized' | 'forbidden',
    detail: string,
    readonly challenge: string,
  ) {
    super(code, detail);
  }
}

function problemOf(code: HttpProblemCode, detail: string): Problem {
  const { status, title } = HTTP_PROBLEMS[code];
  return { type: `https://keygate.dev/problems/${code}`, title, status, detail, code };
}

/** Names what is wrong with a body Fastify could not read, without echoing the body. */
function describeFastifyError(error: FastifyError): Problem | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemOf('bad_request', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problemOf('bad_request', 'the request body is empty; send a JSON object');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf('payload_too_large', 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemOf('bad_request', 'the request body could not be read');
    default:
      return null;
  }
}

/**
 * A store outage: 503 with `Retry-After`, and one warning in the log (the outage is known, its
 * stack says nothing new).
 */
function sendUnavailable(error: StoreUnavailableError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  warnStoreOutage(error, req.log);
  return reply.code(503).header('retry-after', String(error.retryAfterSeconds)).header('cache-control', 'no-store').type('application/problem+json').send(STORE_OUTAGE_PROBLEM);
}

/** Turns anything thrown by an admin route into problem+json; unexpected errors reveal nothing. */
export function sendAdminProblem(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof StoreUnavailableError) return sendUnavailable(error, req, reply);
  let problem: Problem;
  if (error instanceof AdminError) {
    problem = renderProblem(error, error.status);
  } else if (error instanceof HttpProblemError) {
    problem = { ...problemOf(error.code, error.detail), ...(error.field !== undefined && { field: error.field }) };
  } else {
    const fastifyError = error as FastifyError;
    const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
    problem = describeFastifyError(fastifyError) ?? (status < 500 ? problemOf('bad_request', 'the request could not be read') : problemOf('internal_error', 'the server could not complete the request; the details are in its log'));
    if (problem.status >= 500) req.log.error({ err: error, url: req.routeOptions.url }, 'admin API request failed');
  }
  if (error instanceof AdminAuthError) reply.header('www-authenticate', error.challenge);
  return reply.code(problem.status).header('cache-control', 'no-store').type('application/problem+json').send(problem);
}
