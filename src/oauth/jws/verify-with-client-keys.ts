/**
 * Verifies an assertion's signature with one of the app's certificates (RFC 7523 §3 item 9):
 * only certificates valid now, only algorithms their key allows, chosen by `kid` or
 * `x5t#S256` when given, otherwise each in turn, up to a bound.
 */
import { MAX_CERTIFICATES_PER_APP } from '../../domain/app.js';
import { isCurrentlyValid } from '../../domain/certificate.js';
import { invalidAssertion } from '../errors/oauth-error.js';
import type { ClientRecord, VerificationKey } from '../client-directory.js';
import type { CompactJws } from './parse-compact-jws.js';
import { verifyJwsSignature } from './jws-algorithms.js';
import type { CheckedHeader } from './check-jws-header.js';

export function validKeys(client: ClientRecord, now: Date): VerificationKey[] {
  return client.keys.filter((k) => isCurrentlyValid(k.certificate, now));
}

export function verifyWithClientKeys(
  jws: CompactJws,
  header: CheckedHeader,
  client: ClientRecord,
  now: Date,
  fail: (reason: string) => Error = invalidAssertion,
): VerificationKey {
  let candidates = validKeys(client, now).filter((k) => k.algorithms.has(header.alg));
  if (candidates.length === 0) throw fail('alg_not_allowed_for_key');
  if (header.kid !== undefined || header.thumbprint !== undefined) {
    candidates = candidates.filter(
      (k) =>
        (header.kid === undefined || header.kid === k.certificate.id || header.kid === k.certificate.fingerprintSha256) &&
        (header.thumbprint === undefined || header.thumbprint === k.thumbprint),
    );
    if (candidates.length === 0) throw fail('key_not_found');
  }
  // An app holds no more certificates than this; the bound still holds for older data.
  for (const key of candidates.slice(0, MAX_CERTIFICATES_PER_APP)) {
    if (verifyJwsSignature(header.alg, jws.signingInput, jws.signature, key.publicKey)) return key;
  }
  throw fail('signature_invalid');
}
