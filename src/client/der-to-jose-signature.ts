/**
 * Converts an ECDSA signature from ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`, what AWS KMS,
 * Google Cloud KMS, Azure Key Vault's DER mode, PKCS#11 wrappers and `openssl dgst -sign` return)
 * to the fixed-length `r || s` form that JWS requires (RFC 7518 §3.4).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.4
 */
import { AssertionSigningError } from './errors.js';

/** ECDSA JWS algorithms and the byte length of each of `r` and `s`. */
const COMPONENT_LENGTH = { ES256: 32, ES384: 48, ES512: 66 } as const;

/** The ECDSA algorithms {@link derToJoseSignature} converts for. */
export type EcdsaAlgorithm = keyof typeof COMPONENT_LENGTH;

/**
 * Re-encodes a DER ECDSA signature as JOSE `r || s` (64 bytes for ES256, 96 for ES384, 132 for
 * ES512). Throws {@link AssertionSigningError} when the input is not a well-formed DER signature
 * for that curve size.
 *
 * @example
 * ```ts
 * const der = (await kms.send(new SignCommand({ ..., SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature;
 * return derToJoseSignature(der, 'ES256');
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.4
 */
export function derToJoseSignature(der: Uint8Array, alg: EcdsaAlgorithm): Uint8Array {
  const size = COMPONENT_LENGTH[alg];
  const fail = (why: string): never => {
    throw new AssertionSigningError(`not a DER ECDSA signature for ${alg}: ${why}`);
  };
  let offset = 0;
  const readLength = (): number => {
    const first = der[offset++] ?? fail('truncated');
    if (first < 0x80) return first;
    if (first !== 0x81) fail('unsupported length encoding');
    const length = der[offset++] ?? fail('truncated');
    if (length < 0x80) fail('non-minimal length');
    return length;
  };
  const readInteger = (): Uint8Array => {
    if (der[offset++] !== 0x02) fail('expected an INTEGER');
    const length = readLength();
    if (length === 0 || offset + length > der.length) fail('bad INTEGER length');
    let value = der.subarray(offset, offset + length);
    offset += length;
    if ((value[0] ?? 0) & 0x80) fail('negative INTEGER');
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) fail('INTEGER longer than the curve size');
    return value;
  };

  if (der[offset++] !== 0x30) fail('expected a SEQUENCE');
  if (readLength() !== der.length - offset) fail('SEQUENCE length does not match');
  const r = readInteger();
  const s = readInteger();
  if (offset !== der.length) fail('trailing bytes');

  const out = new Uint8Array(size * 2);
  out.set(r, size - r.length);
  out.set(s, size * 2 - s.length);
  return out;
}
