/**
 * Console sessions. The cookie carries a random 256-bit token; the store keeps only its
 * SHA-256, so a leaked database does not hand out sessions. The CSRF token of a session is
 * derived from the session token (HMAC), so it needs no storage and is useless without it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Hex } from '../../platform/secrets.js';

/** `second_factor`: the password was accepted and a TOTP code is awaited. */
export type SessionStage = 'second_factor' | 'active';

export interface ConsoleSession {
  readonly idHash: string;
  readonly userId: string;
  readonly stage: SessionStage;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
}

/** What the console needs from storage to keep sessions across instances and restarts. */
export interface ConsoleSessionStore {
  insertConsoleSession(session: ConsoleSession): Promise<void>;
  findConsoleSession(idHash: string): Promise<ConsoleSession | undefined>;
  touchConsoleSession(idHash: string, at: Date): Promise<void>;
  deleteConsoleSession(idHash: string): Promise<void>;
  /** Removes sessions idle since before `idleBefore` or created before `createdBefore`. */
  deleteStaleConsoleSessions(idleBefore: Date, createdBefore: Date): Promise<void>;
}

export interface SessionPolicy {
  /** A session unused this long ends. */
  readonly idleMinutes: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteHours: number;
  /** A pending second factor must be given within this time. */
  readonly secondFactorMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 12, secondFactorMinutes: 5 };

const SESSION_COOKIE = 'keygate_console';
const SESSION_COOKIE_SECURE = '__Host-keygate_console';
/** Before sign-in: a double-submit token protecting the sign-in form itself (login CSRF). */
const PRE_COOKIE = 'keygate_console_pre';
const PRE_COOKIE_SECURE = '__Host-keygate_console_pre';
/** Last-seen times are written at most this often. */
const TOUCH_EVERY_MS = 60_000;

function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

function cookieOptions(req: FastifyRequest) {
  // Secure cookies get the __Host- prefix: host-only, path /, never sent over plain HTTP.
  return { httpOnly: true, sameSite: 'strict' as const, secure: isSecure(req), path: '/' };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session token from the request's cookie, if any. */
function readToken(req: FastifyRequest, secureName: string, plainName: string): string | undefined {
  const value = isSecure(req) ? req.cookies[secureName] : req.cookies[plainName];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('keygate-console-csrf').digest('base64url');
}

/** A request's session, once validated. */
export interface ActiveSession {
  readonly session: ConsoleSession;
  readonly csrfToken: string;
}

export class SessionManager {
  constructor(
    private readonly store: ConsoleSessionStore,
    private readonly now: () => Date,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  /** Starts a session after the password (stage `second_factor`) or full sign-in (`active`). */
  async start(req: FastifyRequest, reply: FastifyReply, userId: string, stage: SessionStage): Promise<void> {
    const previous = readToken(req, SESSION_COOKIE_SECURE, SESSION_COOKIE);
    // A new token at every step up, so that a token planted before sign-in is worthless (session fixation).
    if (previous) await this.store.deleteConsoleSession(sha256Hex(previous));
    const now = this.now();
    await this.store.deleteStaleConsoleSessions(
      new Date(now.getTime() - this.policy.idleMinutes * 60_000),
      new Date(now.getTime() - this.policy.absoluteHours * 3_600_000),
    );
    const token = randomBytes(32).toString('base64url');
    await this.store.insertConsoleSession({ idHash: sha256Hex(token), userId, stage, createdAt: now, lastSeenAt: now });
    reply.setCookie(isSecure(req) ? SESSION_COOKIE_SECURE : SESSION_COOKIE, token, cookieOptions(req));
  }

  /** The request's session in the given stage, or null; expired sessions are removed. */
  async current(req: FastifyRequest, stage: SessionStage): Promise<ActiveSession | null> {
    const token = readToken(req, SESSION_COOKIE_SECURE, SESSION_COOKIE);
    if (!token) return null;
    const idHash = sha256Hex(token);
    const session = await this.store.findConsoleSession(idHash);
    if (!session) return null;
    const now = this.now().getTime();
    if (this.#expired(session, now)) {
      await this.store.deleteConsoleSession(idHash);
      return null;
    }
    if (session.stage !== stage) return null;
    if (session.stage === 'active' && now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.store.touchConsoleSession(idHash, new Date(now));
    }
    return { session, csrfToken: csrfTokenFor(token) };
  }

  /**
   * The request's signed-in session, read only: for an error page, which shows the navigation
   * to a signed-in administrator but must not keep a session alive (a stray 404 is not a sign
   * of use), so nothing is written, not even the removal of an expired session.
   */
  async peek(req: FastifyRequest): Promise<ActiveSession | null> {
    const token = readToken(req, SESSION_COOKIE_SECURE, SESSION_COOKIE);
    if (!token) return null;
    const session = await this.store.findConsoleSession(sha256Hex(token));
    if (!session || session.stage !== 'active' || this.#expired(session, this.now().getTime())) return null;
    return { session, csrfToken: csrfTokenFor(token) };
  }

  #expired(session: ConsoleSession, now: number): boolean {
    const idleLimit = (session.stage === 'active' ? this.policy.idleMinutes : this.policy.secondFactorMinutes) * 60_000;
    return now - session.lastSeenAt.getTime() > idleLimit || now - session.createdAt.getTime() > this.policy.absoluteHours * 3_600_000;
  }

  /**
   * Whether the request carries a session cookie whose session no longer exists: it expired,
   * or it was signed out. (A pending second factor still exists, so it is not "ended".)
   */
  async ended(req: FastifyRequest): Promise<boolean> {
    const token = readToken(req, SESSION_COOKIE_SECURE, SESSION_COOKIE);
    return token !== undefined && (await this.store.findConsoleSession(sha256Hex(token))) === undefined;
  }

  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readToken(req, SESSION_COOKIE_SECURE, SESSION_COOKIE);
    if (token) await this.store.deleteConsoleSession(sha256Hex(token));
    reply.clearCookie(isSecure(req) ? SESSION_COOKIE_SECURE : SESSION_COOKIE, cookieOptions(req));
  }

  /** The sign-in form's CSRF token: the pre-session cookie's value, set when absent. */
  preSessionToken(req: FastifyRequest, reply: FastifyReply): string {
    const existing = readToken(req, PRE_COOKIE_SECURE, PRE_COOKIE);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    reply.setCookie(isSecure(req) ? PRE_COOKIE_SECURE : PRE_COOKIE, token, cookieOptions(req));
    return token;
  }

  /** Whether a sign-in form's token matches its pre-session cookie. */
  checkPreSessionToken(req: FastifyRequest, submitted: string | undefined): boolean {
    const cookie = readToken(req, PRE_COOKIE_SECURE, PRE_COOKIE);
    return cookie !== undefined && submitted !== undefined && sameText(cookie, submitted);
  }

  /** Whether a form's CSRF token belongs to the session. */
  static checkCsrf(active: ActiveSession, submitted: string | undefined): boolean {
    return submitted !== undefined && sameText(active.csrfToken, submitted);
  }
}
