/**
 * Header rules for an assertion (RFC 7515 §4, RFC 8725 §2.1 and §3.11): a known asymmetric
 * `alg`, never `none` nor HMAC; no `crit`; not a JWE or a compressed payload; an explicit
 * `typ` when present. `jku`, `x5u`, `jwk` and `x5c` are never read, so never fetched.
 */
import { invalidAssertion } from '../errors/oauth-error.js';
import { isJwsAlgorithm, type JwsAlgorithm } from './jws-algorithms.js';

export interface CheckedHeader {
  readonly alg: JwsAlgorithm;
  /** Selects a certificate by id or SHA-256 fingerprint, when given. */
  readonly kid: string | undefined;
  /** `x5t#S256`, selects a certificate by thumbprint, when given. */
  readonly thumbprint: string | undefined;
}

export function checkJwsHeader(
  header: Readonly<Record<string, unknown>>,
  acceptedTypes: readonly string[],
  fail: (reason: string) => Error = invalidAssertion,
): CheckedHeader {
  const { alg, typ, kid } = header;
  if (typeof alg !== 'string') throw fail('alg_missing');
  if (alg.toLowerCase() === 'none') throw fail('alg_none');
  if (/^hs\d+$/i.test(alg)) throw fail('alg_hmac');
  if (!isJwsAlgorithm(alg)) throw fail('alg_unsupported');
  if ('crit' in header) throw fail('crit_present');
  if ('enc' in header) throw fail('header_enc');
  if ('zip' in header) throw fail('header_zip');
  // Media types compare case-insensitively; "application/" may be omitted (RFC 7515 §4.1.9).
  if (typ !== undefined) {
    if (typeof typ !== 'string') throw fail('typ_not_string');
    const normalized = typ.toLowerCase().replace(/^application\//, '');
    if (!acceptedTypes.includes(normalized)) throw fail('typ_mismatch');
  }
  // Both are strings when present (RFC 7515 §4.1.4, §4.1.8); anything else is a malformed header, not an absent one.
  const thumbprint = header['x5t#S256'];
  if (kid !== undefined && typeof kid !== 'string') throw fail('kid_not_string');
  if (thumbprint !== undefined && typeof thumbprint !== 'string') throw fail('x5t_not_string');
  return { alg, kid, thumbprint };
}
