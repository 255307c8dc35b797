/**
 * External Client Apps: Disable the Username-Password flow (RFC 6749 §4.3), which RFC 9700
 * §2.4 says MUST NOT be used.
 */
import type { AppControl, EvaluationContext } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const usernamePasswordDisabled: AppControl = {
  id: 'eca.oauth-flow.username-password-disabled',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Flow Enablement: Disable Username-Password Flow',
    family: 'External Client Apps',
    recommendedConfiguration: 'Keep the username-password flow off on every app.',
    overview:
      "The username-password flow trades a user's password (and the consumer secret) for a token. It exists for old integrations and bypasses the protections a person's sign-in normally has.",
    riskIfNotConfigured:
      "Anyone who learns an integration user's password can obtain tokens directly; passwords are reused, phished and guessed far more often than private keys.",
    threatScenarios:
      "An attacker sprays common passwords at the token endpoint against the app's permitted users and receives a token for the one that reused a breached password.",
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'A password grants everything its user can do and offers no second factor on this path, so one reused password is a full compromise of that user.',
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Legacy tools that only know this flow stop working when it is turned off; check the login history for password grants before switching it off.',
    remediation: [
      'Find callers in the login history (grant "password") and move them to JWT Bearer.',
      'Turn off the username-password flow (keygate review fix eca.oauth-flow.username-password-disabled --app NAME).',
    ],
    guidance: 'There is no configuration in which this flow is the right choice for a new integration.',
    references: [
      { title: 'RFC 6749 §4.3: Resource Owner Password Credentials Grant', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.3' },
      { title: 'RFC 9700 §2.4: Resource Owner Password Credentials Grant', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.4' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'flows.usernamePassword' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const up = app.flows.usernamePassword;
    if (isUnknown(up)) return { status: 'unknown', evidence: unknownEvidence('username-password setting', up), fact: 'flows.usernamePassword' };
    if (!up) return { status: 'pass', evidence: 'The username-password flow is off.', fact: 'flows.usernamePassword' };
    const principals = app.principals;
    if (!isUnknown(principals)) {
      const withPassword = principals.filter((p) => p.hasPassword === true).map((p) => p.name);
      const couldHave = principals.filter((p) => isUnknown(p.hasPassword));
      if (withPassword.length === 0 && couldHave.length === 0 && !othersMayUse(context)) {
        return {
          status: 'warn',
          evidence: 'The username-password flow is on, though no permitted user has a password yet; anyone given one later could use it.',
          fact: 'flows.usernamePassword',
          state: 'enabled-unusable',
        };
      }
      if (withPassword.length > 0) {
        return {
          status: 'fail',
          evidence: `The username-password flow is on and ${listNames(withPassword)} can obtain a token with a password.`,
          fact: 'flows.usernamePassword',
          state: 'enabled',
        };
      }
    }
    return { status: 'fail', evidence: 'The username-password flow is on.', fact: 'flows.usernamePassword', state: 'enabled' };
  },
};

/**
 * Whether users outside the app's permitted list may use it: holders of Salesforce's
 * `UseAnyApiClient` bypass admin approval. Unknown counts as yes; a source without the
 * permission (Keygate's) leaves the fact out.
 */
function othersMayUse(context: EvaluationContext): boolean {
  const holders = context.snapshot.org.useAnyApiClient;
  return holders !== undefined && (isUnknown(holders) || holders.length > 0);
}
