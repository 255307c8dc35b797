/**
 * External Client Apps: Disable Client Credentials Flow, or constrain it (RFC 6749 §4.4):
 * a narrowly permissioned run-as user plus IP restrictions.
 */
import type { AppControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const clientCredentialsConstrained: AppControl = {
  id: 'eca.oauth-flow.client-credentials-constrained',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Flow Enablement: Disable Client Credentials Flow',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Leave the client credentials flow off. Where an integration truly needs it, give it a run-as user with no admin-grade permission and enforce IP restrictions with trusted ranges; prefer JWT Bearer.',
    overview:
      'The client credentials flow hands out a token to whoever holds the consumer key and secret, acting as one fixed run-as user. No person is involved and nothing ties the request to a particular host.',
    riskIfNotConfigured:
      'The consumer key and secret become a standing password for the run-as user. If that user is powerful or the app accepts requests from anywhere, the secret alone opens the org.',
    threatScenarios:
      "A contractor keeps a copy of the integration's environment file after the engagement ends and later uses the key and secret to pull data as the run-as user from an unmanaged network.",
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      "Every token the flow issues carries the run-as user's full rights, so the blast radius equals that user's permissions; the request itself leaves little to tell a legitimate caller from a thief.",
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Some vendor products only support client credentials. Turning the flow off breaks them until they move to JWT Bearer; the fix command lists which integrations used it recently.',
    remediation: [
      'Check the login history for client credentials requests and agree a move to JWT Bearer with each caller.',
      'Turn off the client credentials flow (keygate review fix eca.oauth-flow.client-credentials-constrained --app NAME).',
      'If it must stay, set a run-as user without admin-grade permissions and enforce IP restrictions with trusted ranges.',
    ],
    guidance:
      'Treat client credentials as an exception that needs an owner and a reason; under the high-security baseline a secret-based client credentials flow is critical.',
    references: [
      { title: 'RFC 6749 §4.4: Client Credentials Grant', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4' },
      { title: 'Salesforce Help: OAuth 2.0 Client Credentials Flow for Server-to-Server Integration', url: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm&type=5' },
    ],
    needsTraffic: false,
  },
  evaluate(app) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'flows.clientCredentials' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const cc = app.flows.clientCredentials;
    if (isUnknown(cc)) return { status: 'unknown', evidence: unknownEvidence('client credentials setting', cc), fact: 'flows.clientCredentials' };
    if (!cc) return { status: 'pass', evidence: 'The client credentials flow is off.', fact: 'flows.clientCredentials' };
    const runAs = app.runAs;
    if (isUnknown(runAs)) return { status: 'unknown', evidence: unknownEvidence('client credentials run-as user', runAs), fact: 'clientCredentialsRunAs' };
    if (runAs === null) {
      return { status: 'fail', evidence: 'The client credentials flow is on with no run-as user set.', fact: 'clientCredentialsRunAs', state: 'no-run-as' };
    }
    if (runAs.elevatedPermissions.length > 0) {
      return {
        status: 'fail',
        evidence: `The client credentials flow is on and runs as ${runAs.name}, who holds ${listNames(runAs.elevatedPermissions)}.`,
        fact: 'clientCredentialsRunAs',
        state: `elevated-run-as:${runAs.name}`,
      };
    }
    const ip = app.ipRelaxation;
    if (isUnknown(ip)) return { status: 'unknown', evidence: unknownEvidence('IP relaxation policy', ip), fact: 'policies.ipRelaxation' };
    const ranges = isUnknown(app.trustedIpRanges) ? [] : app.trustedIpRanges;
    if (ip === 'relax' || ranges.length === 0) {
      return {
        status: 'fail',
        evidence: `The client credentials flow is on and runs as ${runAs.name}, but ${ip === 'relax' ? 'IP restrictions are relaxed' : 'no trusted IP range is set'}, so the secret works from any network.`,
        fact: ip === 'relax' ? 'policies.ipRelaxation' : 'policies.trustedIpRanges',
        state: 'unrestricted-network',
      };
    }
    return {
      status: 'warn',
      evidence: `The client credentials flow is on, constrained to run-as ${runAs.name} (no admin-grade permission) and ${ranges.length} trusted IP range${ranges.length === 1 ? '' : 's'}; JWT Bearer would remove the secret.`,
      fact: 'flows.clientCredentials',
      state: 'constrained',
    };
  },
};
