import type { CertificateFacts, KeyType } from '../platform/x509.js';

export type { KeyType };

/** An X.509 certificate uploaded to an app, parsed and validated when it was added. */
export interface Certificate extends CertificateFacts {
  readonly id: string;
  readonly addedAt: Date;
}

/** Whether the certificate's validity window contains `now`. */
export function isCurrentlyValid(cert: Pick<Certificate, 'notBefore' | 'notAfter'>, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() && now.getTime() < cert.notAfter.getTime();
}

/** JWS algorithms a certificate's key may verify (RFC 7518 §3.1 names). */
export function allowedAlgorithms(cert: Pick<Certificate, 'keyType' | 'curve'>): readonly string[] {
  switch (cert.keyType) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return cert.curve === 'P-384' ? ['ES384'] : ['ES256'];
    case 'Ed25519':
      return ['EdDSA'];
  }
}
