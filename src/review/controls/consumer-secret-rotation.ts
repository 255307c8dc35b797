/**
 * External Client Apps: Consumer Secret Age and Rotation. A consumer secret that exists is
 * in use and younger than the baseline's maximum age.
 */
import type { AppControl } from '../engine/control.js';
import { daysBetween, isoDate } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const consumerSecretRotation: AppControl = {
  id: 'eca.consumer-secret.rotation',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Consumer Secret Age and Rotation',
    family: 'External Client Apps',
    recommendedConfiguration:
      "Keep no consumer secret an enabled flow does not use, and rotate any that remains before it reaches the baseline's maximum age (180 days in standard, 90 in high-security).",
    overview:
      'The consumer secret authenticates the app on secret-based flows. Keygate stores only its hash and the date it was made, which is enough to judge its age.',
    riskIfNotConfigured:
      'The older a secret, the more places it has been copied to and the more people have seen it; a secret nobody uses is a credential nobody watches.',
    threatScenarios:
      'A secret set three years ago sits in a retired wiki page; a former employee still has it, and the client credentials flow is switched back on for a migration.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations: 'Rotation limits how long a leaked secret stays useful; deleting an unused one removes the exposure altogether.',
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Rotating a secret needs every holder to switch at the same time; plan it with the integration owner, or better, move the integration to JWT Bearer and delete the secret.',
    remediation: [
      'If no enabled flow uses the secret, delete it (keygate app delete-secret NAME).',
      'Otherwise generate a new secret (keygate app rotate-secret NAME) and hand it to the integration through a secret manager; the old one stops working at once.',
    ],
    guidance:
      "A secret is a stop-gap on the way to certificates, not a destination. A secret no enabled flow uses, or one within the baseline's certificate expiry warning (30 days in standard, 60 in high-security) of its maximum age, is reported as a warning.",
    references: [
      { title: 'RFC 6749 §2.3.1: Client Password', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1' },
      { title: 'NIST SP 800-57 Part 1 Rev. 5 §5.3: Cryptoperiods', url: 'https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const has = app.hasConsumerSecret;
    if (isUnknown(has)) return { status: 'unknown', evidence: unknownEvidence('consumer secret', has), fact: 'consumerSecret' };
    if (!has) return { status: 'not_applicable', evidence: 'The app has no consumer secret.' };
    if (app.flows.clientCredentials === false && app.flows.usernamePassword === false) {
      return {
        status: 'warn',
        evidence: 'The app has a consumer secret but no enabled flow uses it; delete it.',
        fact: 'consumerSecret',
        state: 'unused',
      };
    }
    const created = app.consumerSecretCreatedAt;
    if (isUnknown(created)) return { status: 'unknown', evidence: unknownEvidence("consumer secret's creation date", created), fact: 'consumerSecret' };
    const max = context.thresholds.maxConsumerSecretAgeDays;
    if (created === null) {
      return { status: 'fail', evidence: 'The consumer secret has no recorded creation date, so its age cannot be bounded.', fact: 'consumerSecret', state: 'undated' };
    }
    const age = daysBetween(created, context.now);
    if (age > max) {
      return {
        status: 'fail',
        evidence: `The consumer secret was made on ${isoDate(created)}, ${age} days ago (maximum ${max}).`,
        fact: 'consumerSecret',
        state: 'too-old',
      };
    }
    if (age > max - context.thresholds.certificateExpiryWarningDays) {
      return {
        status: 'warn',
        evidence: `The consumer secret is ${age} days old and reaches the maximum of ${max} days on ${isoDate(new Date(created.getTime() + max * 86_400_000))}.`,
        fact: 'consumerSecret',
        state: 'ageing',
      };
    }
    return { status: 'pass', evidence: `The consumer secret is ${age} days old (maximum ${max}).`, fact: 'consumerSecret' };
  },
};
