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

const HOUR_MS = 3_600_000;

/** A certificate closer than this to its expiry is flagged in the CLI and the console. */
export const EXPIRY_WARNING_DAYS = 30;

/** Still valid, but expiring within {@link EXPIRY_WARNING_DAYS}: time to upload its replacement. */
export function isExpiringSoon(notAfter: Date, now: Date): boolean {
  const ms = notAfter.getTime() - now.getTime();
  return ms > 0 && ms < EXPIRY_WARNING_DAYS * 24 * HOUR_MS;
}

/**
 * How long until `notAfter`, in words: whole days (rounded) from two days on, then hours, so a
 * certificate a few hours from expiry never reads "0 days". `null` once it has expired.
 */
export function describeTimeLeft(notAfter: Date, now: Date): string | null {
  const ms = notAfter.getTime() - now.getTime();
  if (ms <= 0) return null;
  if (ms < HOUR_MS) return 'less than an hour';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return ms < 48 * HOUR_MS ? plural(Math.floor(ms / HOUR_MS), 'hour') : plural(Math.round(ms / (24 * HOUR_MS)), 'day');
}
