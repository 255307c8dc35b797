/**
 * The forms a signing key may take, and how each maps to a JWS algorithm (RFC 7518 §3.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
import { KeyObject, createPrivateKey } from 'node:crypto';
import { AssertionSigningError } from './errors.js';

/** JWS algorithms the client can sign with. Never `none`, never HMAC. */
export type SigningAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/**
 * Signs with a private key that never leaves its home (a KMS, an HSM, a smart card, another
 * process).
 *
 * `sign` receives the JWS signing input, the ASCII bytes of
 * `BASE64URL(header) || "." || BASE64URL(payload)` (RFC 7515 §5.1), **not** a digest: the signer
 * hashes it with the algorithm's hash (SHA-256 for `RS256`, `PS256` and `ES256`).
 *
 * It must return the signature in **JOSE format** (RFC 7518 §3.4): for RSA the plain signature
 * bytes; for ECDSA the fixed-length concatenation `r || s` (64 bytes for ES256, 96 for ES384,
 * 132 for ES512), which is *not* the ASN.1 DER encoding most KMSs and `openssl dgst` return.
 * Convert a DER signature with {@link derToJoseSignature}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.4
 */
export interface AssertionSigner {
  readonly alg: SigningAlgorithm;
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/**
 * A signing key: a PEM private key (PKCS#8, also PKCS#1 or SEC 1; alone or in a bundle with its
 * certificate) as a string or bytes, a Node
 * `KeyObject` (use `createPrivateKey({ key, passphrase })` for an encrypted PEM), or an
 * {@link AssertionSigner} callback.
 */
export type AssertionKey = string | Uint8Array | KeyObject | AssertionSigner;

/** A key checked once and ready to sign. Internal to the library. */
export type ResolvedKey =
  | { readonly kind: 'key-object'; readonly alg: SigningAlgorithm; readonly keyObject: KeyObject }
  | { readonly kind: 'signer'; readonly alg: SigningAlgorithm; readonly signer: AssertionSigner };

const RSA_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const SIGNING_ALGORITHMS: readonly string[] = [...RSA_ALGORITHMS, 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CURVE_ALGORITHMS: Readonly<Record<string, SigningAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

function isSigner(key: AssertionKey): key is AssertionSigner {
  return (
    typeof key === 'object' &&
    !(key instanceof KeyObject) &&
    !(key instanceof Uint8Array) &&
    typeof (key as Partial<AssertionSigner>).sign === 'function'
  );
}

/**
 * Parses a PEM once and checks the key's type against `alg` (or picks the algorithm the key
 * implies: RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA for Ed25519). RSA-PSS keys
 * (id-RSASSA-PSS) are refused: use a plain RSA key with `alg: 'PS256'`.
 */
export function resolveSigningKey(key: AssertionKey, alg?: SigningAlgorithm): ResolvedKey {
  if (isSigner(key)) {
    if (!SIGNING_ALGORITHMS.includes(key.alg)) {
      throw new AssertionSigningError(`signer algorithm ${String(key.alg)} is not supported`);
    }
    if (alg !== undefined && alg !== key.alg) {
      throw new AssertionSigningError(`alg ${alg} does not match the signer's alg ${key.alg}`);
    }
    return { kind: 'signer', alg: key.alg, signer: key };
  }
  const keyObject = key instanceof KeyObject ? key : parsePrivateKey(key);
  return { kind: 'key-object', alg: algorithmForKey(keyObject, alg), keyObject };
}

function parsePrivateKey(pem: string | Uint8Array): KeyObject {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  // A bundle of the key and its certificate is fine: Node reads the key block out of it.
  if (text.includes('-----BEGIN CERTIFICATE-----') && !/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw new AssertionSigningError('expected a private key but got a certificate');
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (cause) {
    // The parser's message may quote key material; keep only a generic description.
    throw new AssertionSigningError(
      'could not read the private key: expected an unencrypted PEM (PKCS#8, PKCS#1 or SEC 1); ' +
        'for an encrypted key pass createPrivateKey({ key, passphrase })',
      { cause: cause instanceof Error ? new Error(cause.name) : undefined },
    );
  }
}

function algorithmForKey(keyObject: KeyObject, requested: SigningAlgorithm | undefined): SigningAlgorithm {
  if (keyObject.type !== 'private') {
    throw new AssertionSigningError(`a ${keyObject.type} key cannot sign; pass the private key`);
  }
  const details = keyObject.asymmetricKeyDetails ?? {};
  const pick = (implied: SigningAlgorithm, allowed: readonly SigningAlgorithm[]): SigningAlgorithm => {
    const alg = requested ?? implied;
    if (!allowed.includes(alg)) {
      throw new AssertionSigningError(`alg ${alg} does not fit a ${keyObject.asymmetricKeyType ?? 'unknown'} key`);
    }
    return alg;
  };
  switch (keyObject.asymmetricKeyType) {
    case 'rsa': {
      // RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used".
      if ((details.modulusLength ?? 0) < 2048) {
        throw new AssertionSigningError('RSA keys must be at least 2048 bits');
      }
      return pick('RS256', RSA_ALGORITHMS);
    }
    case 'rsa-pss':
      // jose signs through a JWK, and Node cannot express an id-RSASSA-PSS key as one: refuse it
      // here rather than at the first signature. A plain RSA key signs PS256 just as well.
      throw new AssertionSigningError(
        'RSA-PSS (id-RSASSA-PSS) keys are not supported: use a plain RSA key, which signs PS256 too (alg: "PS256"), ' +
          'and Keygate accepts only certificates of plain RSA keys',
      );
    case 'ec': {
      const implied = CURVE_ALGORITHMS[details.namedCurve ?? ''];
      if (implied === undefined) {
        throw new AssertionSigningError(`EC curve ${details.namedCurve ?? 'unknown'} is not supported`);
      }
      return pick(implied, [implied]);
    }
    case 'ed25519':
      return pick('EdDSA', ['EdDSA']);
    default:
      throw new AssertionSigningError(`${keyObject.asymmetricKeyType ?? 'unknown'} keys are not supported`);
  }
}
