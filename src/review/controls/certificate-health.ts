/**
 * External Client Apps: Certificate Health. The certificates that verify an app's JWT
 * assertions (RFC 7523 §3, item 9) are current, strong, and renewed before they lapse.
 */
import type { AppControl } from '../engine/control.js';
import { daysBetween, isoDate, listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { certificateLabel, longestLasting, unknownEvidence, usableCertificates } from './app-facts.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const certificateHealth: AppControl = {
  id: 'eca.certificate.health',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Certificate Health',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Keep at least one current certificate with a strong key (RSA 2048 bits or more, EC P-256/P-384 or Ed25519), and upload its successor before it comes within the warning window of expiry.',
    overview:
      "Keygate verifies each JWT Bearer assertion against the certificates uploaded to the app. A certificate's validity dates and key strength decide whether that verification still means anything.",
    riskIfNotConfigured:
      'An expired certificate stops the integration; a weak key lets someone forge assertions; a rotation without overlap forces an outage or a rushed fallback to secrets.',
    threatScenarios:
      'A 1024-bit RSA certificate uploaded years ago lets a well-funded attacker factor the key and sign assertions as the integration user.',
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'Certificate problems tend to surface as outages, and outages are when teams re-enable secret-based flows "temporarily"; planned rotation avoids both.',
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Rotation needs the integration team to deploy a new private key; two certificates can be attached at once so the switch needs no downtime.',
    remediation: [
      'Generate a new key pair and certificate (keygate keygen) with a strong key.',
      'Upload the new certificate next to the current one, move the integration to the new key, then remove the old and any expired or weak certificate.',
    ],
    guidance: "The warning window is the baseline's certificate expiry warning (30 days in standard, 60 in high-security).",
    references: [
      { title: 'RFC 7523 §3: JWT Format and Processing Requirements', url: 'https://www.rfc-editor.org/rfc/rfc7523#section-3' },
      { title: 'NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths', url: 'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const certs = app.certificates;
    if (isUnknown(certs)) return { status: 'unknown', evidence: unknownEvidence('certificates', certs), fact: 'certificates' };
    const jwt = app.flows.jwtBearer;
    if (certs.length === 0) {
      if (isUnknown(jwt)) return { status: 'unknown', evidence: unknownEvidence('JWT Bearer flow setting', jwt), fact: 'flows.jwtBearer' };
      if (!jwt) return { status: 'not_applicable', evidence: 'The app has no certificate and JWT Bearer is off.' };
      return { status: 'fail', evidence: 'JWT Bearer is on but the app has no certificate.', fact: 'certificates', state: 'none' };
    }
    const weak = certs.filter((c) => c.weakKey);
    if (weak.length > 0) {
      return {
        status: 'fail',
        evidence: `The app trusts a weak key: ${listNames(weak.map((c) => `${certificateLabel(c)} with ${c.keyType} ${c.keySize}`))}.`,
        fact: 'certificates',
        state: `weak:${weak.map((c) => c.fingerprintSha256).sort().join(',')}`,
      };
    }
    const usable = usableCertificates(certs, context.now);
    if (usable.length === 0) {
      const latest = longestLasting(certs)!;
      const expired = latest.notAfter.getTime() <= context.now.getTime();
      return {
        status: jwt === true ? 'fail' : 'warn',
        evidence: expired
          ? `Every certificate has expired; the latest, ${certificateLabel(latest)}, on ${isoDate(latest.notAfter)}.`
          : `No certificate is valid yet; the first starts on ${isoDate(latest.notBefore)}.`,
        fact: 'certificates',
        state: 'none-valid',
      };
    }
    const last = longestLasting(usable)!;
    const days = daysBetween(context.now, last.notAfter);
    const warnDays = context.thresholds.certificateExpiryWarningDays;
    if (days < warnDays) {
      return {
        status: 'warn',
        evidence: `The longest-lasting certificate, ${certificateLabel(last)}, expires on ${isoDate(last.notAfter)} (in ${days} days) and no successor is uploaded.`,
        fact: 'certificates',
        state: 'expiring-without-successor',
      };
    }
    const expired = certs.filter((c) => c.notAfter.getTime() <= context.now.getTime());
    if (expired.length > 0) {
      return {
        status: 'warn',
        evidence: `${expired.length} expired certificate${expired.length === 1 ? ' is' : 's are'} still attached (${listNames(expired.map(certificateLabel))}); remove ${expired.length === 1 ? 'it' : 'them'}.`,
        fact: 'certificates',
        state: 'expired-attached',
      };
    }
    return {
      status: 'pass',
      evidence: `${usable.length} valid certificate${usable.length === 1 ? '' : 's'} with strong keys, the longest lasting until ${isoDate(last.notAfter)}.`,
      fact: 'certificates',
    };
  },
};
