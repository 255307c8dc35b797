/**
 * Org: Asymmetric Machine-to-Machine Authentication Required. The org-wide switch
 * (`org.requireAsymmetricM2M`) that refuses any machine-to-machine client authentication not
 * made with a signed assertion: the seed control's guidance for high-security environments.
 */
import type { OrgControl, RiskCondition } from '../engine/control.js';
import { hasElevatedPrincipal, listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, secretFlows } from './app-facts.js';

const elevatedSecretApp: RiskCondition = {
  id: 'elevated-secret-app',
  kind: 'higher',
  description: 'An app that still accepts a secret acts as a user with an admin-grade permission.',
  overrides: { S: 'C' },
  holds: (context) => context.snapshot.apps.some((app) => secretFlows(app).length > 0 && hasElevatedPrincipal(app)),
};

export const asymmetricM2MRequired: OrgControl = {
  id: 'org.m2m.asymmetric-required',
  scope: 'org',
  metadata: {
    name: 'Org: Require Asymmetric Machine-to-Machine Authentication',
    family: 'Org',
    recommendedConfiguration: 'Turn on `requireAsymmetricM2M` for the org once every machine-to-machine app signs its requests.',
    overview:
      'With the org-wide rule on, Keygate refuses every machine-to-machine client authentication that is not a private-key signature, at the token, introspection and revocation endpoints alike, whatever an individual app allows.',
    riskIfNotConfigured:
      'Each app decides for itself, so one app switched back to a secret (for a test, a migration, a vendor) quietly reopens the weakest path into the org.',
    threatScenarios:
      'During an incident an administrator re-enables client credentials on one app "for an hour" and forgets; months later its secret is found in a chat export.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations: 'The rule turns a per-app habit into an org guarantee that a reviewer can check in one place.',
    higherRiskWhen: [elevatedSecretApp],
    lowRiskWhen: [],
    businessConsiderations:
      'Turning it on breaks every integration still using a secret; the review lists them, and the traffic-aware review shows which still authenticate that way.',
    remediation: [
      'Move every app off secret-based flows (see the JWT Bearer control for each).',
      'Turn the rule on: `keygate org update --require-certificates on`, `org.requireAsymmetricM2M: true` in keygate.yaml, `PATCH /org` on the admin API, or the console\'s Org Settings page. From then on consumer secrets are refused at the token, introspection and revocation endpoints, and so is the password grant.',
    ],
    guidance:
      'Security Health Review treats asymmetric machine-to-machine authentication as mandatory for high-security environments; under the high-security baseline this control is critical.',
    references: [
      { title: 'RFC 7523: JWT Profile for OAuth 2.0 Client Authentication and Authorization Grants', url: 'https://www.rfc-editor.org/rfc/rfc7523' },
      { title: 'RFC 9700 §2.5: Client Authentication', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.5' },
    ],
    needsTraffic: false,
  },
  evaluate(context) {
    const { org, apps } = context.snapshot;
    const required = org.requireAsymmetricM2M;
    if (isUnknown(required)) return { status: 'unknown', evidence: `The org-wide machine-to-machine rule could not be read: ${required.reason}.` };
    if (required) return { status: 'pass', evidence: 'The org requires asymmetric authentication for every machine-to-machine request.' };
    const m2m = apps.filter((app) => {
      const flows = enabledFlows(app);
      return !isUnknown(flows) && flows.length > 0;
    });
    if (m2m.length === 0) return { status: 'not_applicable', evidence: 'No app has a machine-to-machine flow enabled.' };
    const withSecrets = m2m.filter((app) => secretFlows(app).length > 0).map((app) => app.name);
    if (withSecrets.length > 0) {
      return {
        status: 'fail',
        evidence: `The org does not require asymmetric machine-to-machine authentication, and ${withSecrets.length} app${withSecrets.length === 1 ? '' : 's'} still accept${withSecrets.length === 1 ? 's' : ''} a secret (${listNames(withSecrets)}).`,
        state: 'off-with-secret-apps',
      };
    }
    return {
      status: 'warn',
      evidence: `The org does not require asymmetric machine-to-machine authentication, though all ${m2m.length} machine-to-machine apps already sign their requests; turning it on breaks nothing.`,
      state: 'off-ready',
    };
  },
};
