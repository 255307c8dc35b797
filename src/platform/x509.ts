import { X509Certificate, createHash, type KeyObject } from 'node:crypto';

/** A public key type accepted for signing assertions. */
export type KeyType = 'RSA' | 'EC' | 'Ed25519';

/** Why an uploaded certificate was refused; `message` is safe to show to an administrator. */
export type CertificateProblem =
  | 'not_pem'
  | 'multiple_certificates'
  | 'not_a_certificate'
  | 'unsupported_key'
  | 'weak_key'
  | 'expired'
  | 'not_yet_valid';

export class CertificateRejectedError extends Error {
  constructor(
    readonly problem: CertificateProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateRejectedError';
  }
}

/** What an X.509 certificate says about itself and its key. */
export interface CertificateFacts {
  /** The certificate re-encoded as a single canonical PEM block. */
  readonly pem: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Lower-case hex SHA-256 of the DER encoding, colon-free. */
  readonly fingerprintSha256: string;
  readonly keyType: KeyType;
  /** RSA modulus bits, or the EC curve size (256, 384); 256 for Ed25519. */
  readonly keySize: number;
  /** `P-256`, `P-384` for EC; null otherwise. */
  readonly curve: string | null;
}

export interface ParsedCertificate extends CertificateFacts {
  readonly publicKey: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END \1-----/g;
const MIN_RSA_BITS = 2048;

/** Describes the key for messages: "RSA 2048", "EC P-256", "Ed25519". */
export function describeKey(keyType: KeyType, keySize: number, curve: string | null): string {
  if (keyType === 'RSA') return `RSA ${keySize}`;
  if (keyType === 'EC') return `EC ${curve ?? keySize}`;
  return 'Ed25519';
}

function keyFacts(key: KeyObject): { keyType: KeyType; keySize: number; curve: string | null } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      return { keyType: 'RSA', keySize: details.modulusLength ?? 0, curve: null };
    }
    case 'ec': {
      const curve = details.namedCurve === 'prime256v1' ? 'P-256' : details.namedCurve === 'secp384r1' ? 'P-384' : null;
      if (curve === null) {
        throw new CertificateRejectedError('unsupported_key', `the certificate's EC curve ${details.namedCurve ?? 'unknown'} is not supported; use P-256 or P-384`);
      }
      return { keyType: 'EC', keySize: curve === 'P-256' ? 256 : 384, curve };
    }
    case 'ed25519':
      return { keyType: 'Ed25519', keySize: 256, curve: null };
    default:
      throw new CertificateRejectedError(
        'unsupported_key',
        `the certificate's ${key.asymmetricKeyType ?? 'unknown'} key is not supported; use RSA (2048 bits or more), EC P-256/P-384 or Ed25519`,
      );
  }
}

/** Whether the key is too weak to accept (RSA below 2048 bits). */
export function isWeakKey(cert: Pick<ParsedCertificate, 'keyType' | 'keySize'>): boolean {
  return cert.keyType === 'RSA' && cert.keySize < MIN_RSA_BITS;
}

/**
 * Parses exactly one PEM-encoded X.509 certificate whose key type Keygate understands
 * (RSA, EC P-256/P-384, Ed25519), without judging its strength or dates: for inspection
 * and offline review. Use {@link parseCertificatePem} to accept a certificate for signing.
 */
export function inspectCertificatePem(text: string): ParsedCertificate {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    throw new CertificateRejectedError('not_pem', 'the file is not a PEM certificate (expected a -----BEGIN CERTIFICATE----- block)');
  }
  if (blocks.length > 1) {
    throw new CertificateRejectedError('multiple_certificates', `the file holds ${blocks.length} PEM blocks; upload exactly one certificate`);
  }
  const [block] = blocks as [RegExpMatchArray];
  if (block[1] !== 'CERTIFICATE') {
    throw new CertificateRejectedError('not_a_certificate', `the file holds a ${block[1] ?? 'unknown'} block, not a CERTIFICATE; never upload a private key`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block[0]);
  } catch {
    throw new CertificateRejectedError('not_a_certificate', 'the CERTIFICATE block is not a valid X.509 certificate');
  }
  return {
    pem: cert.toString(),
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprintSha256: createHash('sha256').update(cert.raw).digest('hex'),
    ...keyFacts(cert.publicKey),
    publicKey: cert.publicKey,
  };
}

/**
 * Parses one PEM certificate and checks that it may sign assertions: a single CERTIFICATE
 * block, an RSA ≥ 2048, EC P-256/P-384 or Ed25519 key, and a validity window containing `now`.
 */
export function parseCertificatePem(text: string, now: Date): ParsedCertificate {
  const cert = inspectCertificatePem(text);
  if (isWeakKey(cert)) {
    throw new CertificateRejectedError('weak_key', `the certificate's RSA key has ${cert.keySize} bits; at least ${MIN_RSA_BITS} are required`);
  }
  if (cert.notAfter.getTime() <= now.getTime()) {
    throw new CertificateRejectedError('expired', `the certificate expired on ${cert.notAfter.toISOString()}; upload a current one`);
  }
  if (cert.notBefore.getTime() > now.getTime()) {
    throw new CertificateRejectedError('not_yet_valid', `the certificate is not valid before ${cert.notBefore.toISOString()}`);
  }
  return cert;
}

/** Node prints distinguished names one attribute per line; join them as RFC 4514 does. */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).reverse().join(', ');
}

/** Formats a hex fingerprint as colon-separated upper-case pairs, as browsers show it. */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase().match(/.{2}/g)?.join(':') ?? hex;
}
