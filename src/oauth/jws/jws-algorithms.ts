/**
 * Signature verification and creation for the JWS algorithms Keygate accepts (RFC 7518 §3),
 * on Node's `crypto` directly. jose remains the library for keys, JWKS and the client; the
 * hot path verifies with these two functions because they cost a third of jose's per call
 * (docs/decisions/0002-hot-path-jws.md has the measurements).
 */
import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type JwsAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'EdDSA';

interface AlgorithmSpec {
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  readonly padding?: number;
  readonly saltLength?: number;
  /** Exact JOSE signature length (ECDSA r||s, Ed25519); null when it depends on the key. */
  readonly signatureLength: number | null;
  readonly ecdsa: boolean;
}

const SPECS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = {
  RS256: { digest: 'sha256', signatureLength: null, ecdsa: false },
  RS384: { digest: 'sha384', signatureLength: null, ecdsa: false },
  RS512: { digest: 'sha512', signatureLength: null, ecdsa: false },
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32, signatureLength: null, ecdsa: false },
  PS384: { digest: 'sha384', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48, signatureLength: null, ecdsa: false },
  PS512: { digest: 'sha512', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64, signatureLength: null, ecdsa: false },
  ES256: { digest: 'sha256', signatureLength: 64, ecdsa: true },
  ES384: { digest: 'sha384', signatureLength: 96, ecdsa: true },
  EdDSA: { digest: null, signatureLength: 64, ecdsa: false },
};

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(SPECS, value);
}

/** Verifies a JWS signature; the caller has already checked `alg` is allowed for `key`. */
export function verifyJwsSignature(alg: JwsAlgorithm, signingInput: string, signature: Buffer, key: KeyObject): boolean {
  const spec = SPECS[alg];
  if (spec.signatureLength !== null && signature.length !== spec.signatureLength) return false;
  const data = Buffer.from(signingInput, 'ascii');
  try {
    return cryptoVerify(
      spec.digest,
      data,
      { key, padding: spec.padding, saltLength: spec.saltLength, dsaEncoding: spec.ecdsa ? 'ieee-p1363' : undefined },
      signature,
    );
  } catch {
    // A key/algorithm mismatch the caller did not catch, or a malformed signature.
    return false;
  }
}

/** Signs `signingInput` and returns the base64url JOSE signature. */
export function signJws(alg: JwsAlgorithm, signingInput: string, key: KeyObject): string {
  const spec = SPECS[alg];
  return cryptoSign(spec.digest, Buffer.from(signingInput, 'ascii'), {
    key,
    padding: spec.padding,
    saltLength: spec.saltLength,
    dsaEncoding: spec.ecdsa ? 'ieee-p1363' : undefined,
  }).toString('base64url');
}
