/**
 * A single-use key (an assertion's `jti`) found while a request is checked, with the error the
 * request gets if the key was spent before. Nothing is spent while checks remain: the token
 * endpoint spends the key in the same commit as the token and the login-history row
 * ({@link TokenLedger.commitIssue}); endpoints that write nothing else spend it at once.
 */
import type { OAuthError } from './errors/oauth-error.js';
import type { ReplayClaim, ReplayStore } from './ports.js';

export interface ReplayGuard {
  readonly claim: ReplayClaim;
  /** The error for a key spent before (built only then). */
  readonly refusal: () => OAuthError;
}

/** Spends the key now, or throws its refusal when it was spent before. */
export async function spendNow(store: ReplayStore, guard: ReplayGuard | null): Promise<void> {
  if (guard === null) return;
  const { namespace, key, expiresAtSeconds } = guard.claim;
  if (!(await store.consume(namespace, key, expiresAtSeconds))) throw guard.refusal();
}
