/**
 * External Client Apps: OAuth Policies: IP Relaxation. Tokens are issued only to clients
 * inside the app's trusted ranges.
 */
import type { AppControl, RiskCondition } from '../engine/control.js';
import { isKeyInKms } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, secretFlows, unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser } from './risk-conditions.js';

const kmsKey: RiskCondition = {
  id: 'kms-key',
  kind: 'lower',
  description: 'The integration declares its private key held in a KMS or HSM, so a copied configuration alone cannot sign requests.',
  overrides: { C: 'L', I: 'L' },
  holds: (_context, app) => app !== null && isKeyInKms(app),
};

export const ipRelaxationEnforced: AppControl = {
  id: 'eca.policy.ip-relaxation-enforced',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Policies: IP Relaxation: Enforce IP Restrictions',
    family: 'External Client Apps',
    recommendedConfiguration: 'Set IP relaxation to "enforce IP restrictions" and list the trusted ranges the integration calls from.',
    overview:
      "IP relaxation decides whether a token request must come from the app's trusted ranges and the user's profile login ranges. Relaxing it lets a request come from anywhere.",
    riskIfNotConfigured:
      'A credential taken from the integration works from any network, so nothing slows an attacker down between the leak and its use.',
    threatScenarios:
      "A signing key or secret copied from a CI runner is used from a hosting provider's network on the other side of the world, and Keygate has no reason to refuse it.",
    cvss: { category: 'high', range: [6.0, 8.5], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'Network limits are a compensating control: they do not stop a leak but shrink where it can be used. Certificate-based authentication, short-lived tokens, multi-factor sessions and private connectivity compensate in turn when ranges cannot be listed.',
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' })],
    lowRiskWhen: [kmsKey],
    businessConsiderations:
      'Integrations running on elastic cloud addresses may not have stable ranges; use egress gateways or NAT addresses, and update the ranges when the hosting changes.',
    remediation: [
      "Collect the integration's egress ranges (the login history shows the addresses it used).",
      'Add them as trusted ranges and set IP relaxation to enforce (keygate review fix eca.policy.ip-relaxation-enforced --app NAME).',
    ],
    guidance:
      'Where ranges truly cannot be fixed, relax only an app that authenticates with certificates alone and keeps a short session timeout.',
    references: [
      { title: 'Salesforce Help: Manage OAuth Access Policies for a Connected App', url: 'https://help.salesforce.com/s/articleView?id=sf.connected_app_manage_oauth.htm&type=5' },
      { title: 'RFC 9700 §4.10: Misuse of Stolen Access Tokens', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.10' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'policies.ipRelaxation' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const ip = app.ipRelaxation;
    if (isUnknown(ip)) return { status: 'unknown', evidence: unknownEvidence('IP relaxation policy', ip), fact: 'policies.ipRelaxation' };
    if (ip === 'enforce') {
      const ranges = app.trustedIpRanges;
      if (isUnknown(ranges)) return { status: 'unknown', evidence: unknownEvidence('trusted IP ranges', ranges), fact: 'policies.trustedIpRanges' };
      if (ranges.length === 0) {
        return {
          status: 'warn',
          evidence: "IP restrictions are enforced but the app lists no trusted range, so only users' profile login ranges apply.",
          fact: 'policies.trustedIpRanges',
          state: 'enforce-without-ranges',
        };
      }
      return {
        status: 'pass',
        evidence: `IP restrictions are enforced with ${ranges.length} trusted range${ranges.length === 1 ? '' : 's'}.`,
        fact: 'policies.ipRelaxation',
      };
    }
    const timeout = app.sessionTimeoutMinutes;
    const shortSessions = !isUnknown(timeout) && timeout !== null && timeout <= context.thresholds.maxSessionTimeoutMinutes;
    const certificateOnly = app.flows.jwtBearer === true && secretFlows(app).length === 0;
    if (certificateOnly && shortSessions) {
      return {
        status: 'warn',
        evidence: `IP restrictions are relaxed, compensated by certificate-only authentication and ${timeout}-minute sessions.`,
        fact: 'policies.ipRelaxation',
        state: 'relaxed-compensated',
      };
    }
    return {
      status: 'fail',
      evidence: 'IP restrictions are relaxed, so tokens are issued to requests from any network.',
      fact: 'policies.ipRelaxation',
      state: 'relaxed',
    };
  },
};
