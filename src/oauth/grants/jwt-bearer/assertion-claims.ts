/**
 * Claim checks for a JWT Bearer assertion (RFC 7523 §3, RFC 7519 §4.1), with the claim
 * shapes the `salesforce-compat` profile also accepts. Each check is one named step.
 */
import type { AssertionProfile } from '../../../domain/app.js';
import { normalizeBaseUrl, type Org } from '../../../domain/org.js';
import { sha256Hex } from '../../../platform/secrets.js';
import { InvalidGrantError, SALESFORCE_DESCRIPTIONS, invalidAssertion } from '../../errors/oauth-error.js';

export interface TimeWindow {
  /** The expiry the replay entry is kept until (after the profile's adjustments). */
  readonly effectiveExp: number;
}

/** A NumericDate must be a JSON number; never coerce a string, array or object (RFC 7519 §2). */
function numericDate(value: unknown, claim: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidAssertion(`${claim}_not_number`);
  return value;
}

/** Salesforce-compat: `exp` as a numeric string, or in milliseconds when `iat` anchors it. */
function compatExp(payload: Readonly<Record<string, unknown>>, org: Org, now: number): number | undefined {
  let exp = payload.exp;
  if (typeof exp === 'string' && /^\d{1,16}$/.test(exp)) exp = Number(exp);
  const value = numericDate(exp, 'exp');
  // Ten-digit seconds reach the year 2286; anything longer is the Salesforce CLI's milliseconds.
  if (value === undefined || value < 1e11) return value;
  const iat = numericDate(payload.iat, 'iat');
  if (iat === undefined) throw invalidAssertion('exp_in_milliseconds_without_iat');
  if (iat > now + org.clockSkewSeconds || iat < now - org.maxAssertionLifetimeSeconds - org.clockSkewSeconds) {
    throw invalidAssertion('iat_outside_policy');
  }
  return Math.min(Math.floor(value / 1000), iat + org.maxAssertionLifetimeSeconds);
}

/** Step 5: `exp` required and within [now − skew, now + max lifetime + skew]; `nbf`, `iat` not in the future. */
export function checkTimes(payload: Readonly<Record<string, unknown>>, org: Org, now: number, profile: AssertionProfile): TimeWindow {
  const skew = org.clockSkewSeconds;
  const exp = profile === 'salesforce-compat' ? compatExp(payload, org, now) : numericDate(payload.exp, 'exp');
  if (exp === undefined) throw invalidAssertion('exp_missing');
  if (exp <= now - skew) throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.expired, 'expired');
  if (exp > now + org.maxAssertionLifetimeSeconds + skew) throw invalidAssertion('exp_too_far_in_future');
  const nbf = numericDate(payload.nbf, 'nbf');
  if (nbf !== undefined && nbf > now + skew) throw invalidAssertion('nbf_in_future');
  const iat = numericDate(payload.iat, 'iat');
  if (iat !== undefined && iat > now + skew) throw invalidAssertion('iat_in_future');
  return { effectiveExp: Math.ceil(exp) };
}

const audiencesByOrg = new WeakMap<Org, ReadonlySet<string>>();

/**
 * The audiences an assertion may name, compared exactly: the base URL and each extra audience
 * with or without a trailing slash, and the token endpoint's URLs as they are written.
 * Computed once per org object (the directory replaces the object on change).
 */
export function acceptedAudiences(org: Org): ReadonlySet<string> {
  let audiences = audiencesByOrg.get(org);
  if (!audiences) {
    const base = normalizeBaseUrl(org.baseUrl);
    const origins = [base, ...org.extraAudiences.map(normalizeBaseUrl)];
    audiences = new Set([...origins.flatMap((url) => [url, `${url}/`]), `${base}/services/oauth2/token`, `${base}/oauth2/token`]);
    audiencesByOrg.set(org, audiences);
  }
  return audiences;
}

const clientAssertionAudiencesByOrg = new WeakMap<Org, Map<string, ReadonlySet<string>>>();

/**
 * The audiences a client assertion (`private_key_jwt`) may name at an endpoint other than the
 * token endpoint: those of {@link acceptedAudiences}, plus the URL of the endpoint it is sent
 * to, which is what libraries that sign one assertion per endpoint put in `aud`.
 */
export function clientAssertionAudiences(org: Org, endpointPath: string): ReadonlySet<string> {
  let byPath = clientAssertionAudiencesByOrg.get(org);
  if (!byPath) {
    byPath = new Map();
    clientAssertionAudiencesByOrg.set(org, byPath);
  }
  let audiences = byPath.get(endpointPath);
  if (!audiences) {
    audiences = new Set([...acceptedAudiences(org), `${normalizeBaseUrl(org.baseUrl)}${endpointPath}`]);
    byPath.set(endpointPath, audiences);
  }
  return audiences;
}

/** Step 6: a single audience (a string or a one-element array) that this server accepts. */
export function checkAudience(payload: Readonly<Record<string, unknown>>, accepted: ReadonlySet<string>): void {
  const aud = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud;
  if (typeof aud !== 'string' || !accepted.has(aud)) {
    throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.audience, Array.isArray(payload.aud) ? 'aud_not_single' : 'aud_not_accepted');
  }
}

/** Step 7: `prn` (legacy) wins over `sub`; either way a string naming the user. */
export function subjectOf(payload: Readonly<Record<string, unknown>>): string {
  // The legacy `prn` wins whenever the member is present: a `null` one is refused, not skipped.
  const subject = 'prn' in payload ? payload.prn : payload.sub;
  if (typeof subject !== 'string' || subject === '') throw new InvalidGrantError(SALESFORCE_DESCRIPTIONS.invalidUser, 'sub_not_string');
  return subject;
}

/**
 * Step 10's key: the `jti` (a non-empty string of bounded length), or, where the app does not
 * require one and the assertion has none, the SHA-256 of its signing input (header and
 * payload). Not of the whole assertion: an ECDSA signature has a second valid form, (r, n−s),
 * that anyone can compute, so the signature must not tell two presentations apart.
 */
export function replayKey(payload: Readonly<Record<string, unknown>>, signingInput: string, jtiRequired: boolean, maxJtiLength: number): string {
  const { jti } = payload;
  if (jti === undefined) {
    if (jtiRequired) throw invalidAssertion('jti_missing');
    return `sha256:${sha256Hex(signingInput)}`;
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > maxJtiLength) throw invalidAssertion('jti_invalid');
  return `jti:${jti}`;
}
