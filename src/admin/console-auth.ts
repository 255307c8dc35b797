/**
 * Console sign-in: a password checked against its scrypt hash, for active, unlocked users
 * holding `ManageUsers`; an optional TOTP second factor; and a lockout of 15 minutes after 5
 * failures in a row. Every attempt, whatever its outcome, is written to the login history
 * (grant `console`) before the answer is given.
 */
import { randomUUID } from 'node:crypto';
import type { LoginEvent } from '../domain/login-event.js';
import { canAdminister, type User } from '../domain/user.js';
import type { Clock } from '../platform/clock.js';
import { newEventId } from '../platform/ids.js';
import { hashSecret, verifySecret } from '../platform/secrets.js';
import { verifyTotp } from './console-auth-totp.js';
import type { UserService } from './user-service.js';

/** Per-user sign-in counters, kept in the store so that a lockout holds across restarts and instances. */
export interface SignInState {
  /** Failures since the last success or the last lockout. */
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  /** The last TOTP time step accepted (RFC 6238 §5.2: a code is accepted once). */
  readonly lastTotpStep: number | null;
}

/** What sign-in needs from storage: the counters, changed atomically. */
export interface SignInStateStore {
  getSignInState(userId: string): Promise<SignInState | undefined>;
  /**
   * Adds one failure; when the count reaches `maxFailures`, locks until `lockUntil` and
   * restarts the count. Atomic, so that concurrent failures are all counted.
   */
  recordSignInFailure(userId: string, maxFailures: number, lockUntil: Date): Promise<SignInState>;
  /** Clears the failure count (and records the TOTP step used, when there was one). */
  recordSignInSuccess(userId: string, totpStep: number | null): Promise<void>;
}

/** Appends a row to the login history (the token path's recorder). */
export interface SignInRecorder {
  record(event: LoginEvent): Promise<void>;
}

export interface ConsoleAuthPolicy {
  readonly maxFailures: number;
  readonly lockMinutes: number;
}

export const DEFAULT_CONSOLE_AUTH_POLICY: ConsoleAuthPolicy = { maxFailures: 5, lockMinutes: 15 };

/** Why an attempt was refused; `message` is what the sign-in page shows. */
export type SignInRefusal =
  | 'bad_credentials'
  | 'account_locked'
  | 'not_permitted'
  | 'totp_invalid';

export type SignInResult =
  | { readonly outcome: 'signed_in'; readonly user: User }
  | { readonly outcome: 'totp_required'; readonly user: User }
  | { readonly outcome: 'refused'; readonly refusal: SignInRefusal; readonly message: string };

const MESSAGES: Record<SignInRefusal, string> = {
  bad_credentials: 'The username or password is incorrect.',
  account_locked: 'This account is locked after too many failed attempts. Try again later.',
  not_permitted: 'This account cannot use the console: it must be active, unlocked and hold the ManageUsers permission.',
  totp_invalid: 'The verification code is incorrect or has already been used.',
};

export interface ConsoleAuthDeps {
  readonly users: UserService;
  readonly state: SignInStateStore;
  readonly recorder: SignInRecorder;
  readonly clock: Clock;
  readonly policy?: ConsoleAuthPolicy;
}

/** Signs administrators in to the console. */
export class ConsoleAuthService {
  readonly #policy: ConsoleAuthPolicy;
  /** Checked for unknown usernames so that they take as long as known ones. */
  #decoyHash: Promise<string> | null = null;

  /**
   * What the password step answers for an unknown user, a wrong password and a locked account
   * alike: a distinct answer for a locked account would tell an attacker which usernames
   * exist. It names the lockout rule so that a real administrator can tell what may be
   * happening; the login history keeps the precise reason.
   */
  readonly #firstFactorRefusal: string;

  constructor(private readonly deps: ConsoleAuthDeps) {
    this.#policy = deps.policy ?? DEFAULT_CONSOLE_AUTH_POLICY;
    const { maxFailures, lockMinutes } = this.#policy;
    this.#firstFactorRefusal = `${MESSAGES.bad_credentials} After ${maxFailures} failed attempts in a row, an account is locked for ${lockMinutes} minutes.`;
  }

  /** First factor: the password. */
  async signIn(input: { username: string; password: string; clientAddress: string }): Promise<SignInResult> {
    const now = this.deps.clock.now();
    const user = input.username ? await this.#findUser(input.username) : undefined;
    const stored = user?.passwordHash ?? null;
    const matches = await verifySecret(input.password, stored ?? (await this.#decoy()));
    const generic = this.#firstFactorRefusal;
    if (!user || stored === null) {
      return this.#refuse(input, null, 'bad_credentials', user ? 'no_password' : 'unknown_user', generic);
    }
    const state = await this.deps.state.getSignInState(user.id);
    if (state?.lockedUntil && state.lockedUntil.getTime() > now.getTime()) {
      return this.#refuse(input, user, 'account_locked', 'account_locked', generic);
    }
    if (!matches) {
      const after = await this.deps.state.recordSignInFailure(user.id, this.#policy.maxFailures, this.#lockUntil(now));
      const lockedNow = after.lockedUntil !== null && after.lockedUntil.getTime() > now.getTime();
      return this.#refuse(input, user, lockedNow ? 'account_locked' : 'bad_credentials', lockedNow ? 'password_invalid_locked' : 'password_invalid', generic);
    }
    if (!canAdminister(user)) {
      const reason = !user.active ? 'user_inactive' : user.locked ? 'user_locked' : 'missing_manage_users';
      return this.#refuse(input, user, 'not_permitted', reason);
    }
    if (user.totpSecret) {
      // The attempt is not a success until the second factor is given.
      await this.#record(input.clientAddress, user, 'failure', 'totp_required');
      return { outcome: 'totp_required', user };
    }
    await this.deps.state.recordSignInSuccess(user.id, null);
    await this.#record(input.clientAddress, user, 'success', 'ok');
    return { outcome: 'signed_in', user };
  }

  /** Second factor, for a user whose password was just accepted. */
  async verifySecondFactor(input: { userId: string; code: string; clientAddress: string }): Promise<SignInResult> {
    const now = this.deps.clock.now();
    const user = await this.deps.users.get({ id: input.userId });
    const identity = { username: user.username, clientAddress: input.clientAddress };
    const state = await this.deps.state.getSignInState(user.id);
    if (state?.lockedUntil && state.lockedUntil.getTime() > now.getTime()) return this.#refuse(identity, user, 'account_locked', 'account_locked');
    if (!canAdminister(user)) return this.#refuse(identity, user, 'not_permitted', 'not_permitted');
    const step = user.totpSecret ? verifyTotp(user.totpSecret, input.code.replace(/\s/g, ''), now, state?.lastTotpStep ?? null) : null;
    if (step === null) {
      const after = await this.deps.state.recordSignInFailure(user.id, this.#policy.maxFailures, this.#lockUntil(now));
      const lockedNow = after.lockedUntil !== null && after.lockedUntil.getTime() > now.getTime();
      return this.#refuse(identity, user, lockedNow ? 'account_locked' : 'totp_invalid', lockedNow ? 'totp_invalid_locked' : 'totp_invalid');
    }
    await this.deps.state.recordSignInSuccess(user.id, step);
    await this.#record(input.clientAddress, user, 'success', 'ok');
    return { outcome: 'signed_in', user };
  }

  /** Whether a signed-in user may still use the console (checked on every request). */
  async currentAdministrator(userId: string): Promise<User | null> {
    try {
      const user = await this.deps.users.get({ id: userId });
      return canAdminister(user) ? user : null;
    } catch {
      return null;
    }
  }

  #lockUntil(now: Date): Date {
    return new Date(now.getTime() + this.#policy.lockMinutes * 60_000);
  }

  async #findUser(username: string): Promise<User | undefined> {
    try {
      return await this.deps.users.get({ username });
    } catch {
      return undefined;
    }
  }

  #decoy(): Promise<string> {
    this.#decoyHash ??= hashSecret(randomUUID());
    return this.#decoyHash;
  }

  async #refuse(
    input: { username: string; clientAddress: string },
    user: User | null,
    refusal: SignInRefusal,
    reason: string,
    message = MESSAGES[refusal],
  ): Promise<SignInResult> {
    await this.#record(input.clientAddress, user, 'failure', reason, user ? null : input.username);
    return { outcome: 'refused', refusal, message };
  }

  async #record(clientAddress: string, user: User | null, outcome: 'success' | 'failure', reason: string, attemptedUsername: string | null = null): Promise<void> {
    await this.deps.recorder.record({
      id: newEventId(),
      at: this.deps.clock.now(),
      appId: null,
      appName: null,
      userId: user?.id ?? null,
      // An unknown username is kept (truncated) so that guessing shows in the history.
      username: user?.username ?? (attemptedUsername ? attemptedUsername.slice(0, 80) : null),
      grant: 'console',
      credential: 'password',
      clientAddress,
      outcome,
      errorCode: outcome === 'failure' ? 'access_denied' : null,
      reason,
      certificateFingerprint: null,
      jtiHash: null,
      scope: null,
    });
  }
}
