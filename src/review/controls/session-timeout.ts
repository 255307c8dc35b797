/**
 * External Client Apps: OAuth Policies: Session Timeout. Access tokens live no longer than
 * the baseline's maximum (60 minutes in `standard`).
 */
import type { AppControl } from '../engine/control.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const sessionTimeout: AppControl = {
  id: 'eca.policy.session-timeout',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Policies: Session Timeout',
    family: 'External Client Apps',
    recommendedConfiguration: "Set the app's session timeout to 60 minutes or less (the baseline's maximum).",
    overview:
      'The session timeout is how long an access token issued through the app stays valid. Integrations can ask for a new one whenever they need it, so a short life costs little.',
    riskIfNotConfigured:
      'A token copied from a log, a proxy or a crash dump stays usable for hours, long after the integration finished its work.',
    threatScenarios:
      'An access token printed in a debug log is found by someone with read access to the log store and used the same afternoon to read customer records.',
    cvss: { category: 'critical', range: [9.0, 10.0], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H' },
    riskImpactConsiderations:
      'Bearer tokens are not bound to their holder; their lifetime is the window in which a leaked token is as good as the integration itself.',
    higherRiskWhen: [ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Shorter tokens mean more token requests; with JWT Bearer each one is a local signature and a single round trip, which is rarely a concern.',
    remediation: ["Lower the app's session timeout to the baseline's maximum or less; integrations simply request a new token when the old one expires."],
    guidance: 'Up to twice the maximum is reported as a warning; beyond that the control fails.',
    references: [
      { title: 'RFC 9700 §2.2.2: Access Token Lifetime', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.2.2' },
      { title: 'RFC 6750 §5.3: Bearer Token Usage, Summary of Recommendations', url: 'https://www.rfc-editor.org/rfc/rfc6750#section-5.3' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'policies.sessionTimeoutMinutes' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const timeout = app.sessionTimeoutMinutes;
    if (isUnknown(timeout)) return { status: 'unknown', evidence: unknownEvidence('session timeout', timeout), fact: 'policies.sessionTimeoutMinutes' };
    const max = context.thresholds.maxSessionTimeoutMinutes;
    if (timeout === null) {
      return { status: 'fail', evidence: 'The app sets no session timeout, so its tokens live as long as the org allows.', fact: 'policies.sessionTimeoutMinutes', state: 'none' };
    }
    if (timeout <= max) {
      return { status: 'pass', evidence: `The session timeout is ${timeout} minutes (maximum ${max}).`, fact: 'policies.sessionTimeoutMinutes' };
    }
    return {
      status: timeout <= 2 * max ? 'warn' : 'fail',
      evidence: `The session timeout is ${timeout} minutes, above the maximum of ${max}.`,
      fact: 'policies.sessionTimeoutMinutes',
      state: timeout <= 2 * max ? 'over' : 'far-over',
    };
  },
};
