/**
 * External Client Apps: OAuth Settings: OAuth Scope Least Privilege. An app holds the
 * narrowest scopes its integration uses (RFC 6749 §3.3), never `full`.
 */
import type { AppControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

/** Scopes that only matter to a flow with a person and a refresh token, never to M2M. */
const REFRESH_SCOPES = new Set(['refresh_token', 'offline_access']);

export const scopeLeastPrivilege: AppControl = {
  id: 'eca.oauth-scope.least-privilege',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Settings: OAuth Scope Least Privilege',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Grant only the scopes the integration uses; never `full`, and no refresh-token scope on a machine-to-machine app.',
    overview:
      "An app's scopes cap what any of its tokens can do. `full` lifts the cap entirely; unused scopes are rights nobody needs but an attacker can still use.",
    riskIfNotConfigured:
      "A token obtained through the app can do far more than the integration's job, so any leak of a credential or token is worth more to an attacker.",
    threatScenarios:
      'A reporting integration that only reads data holds `full`; a leaked access token from its logs is used to change sharing settings and export every record.',
    cvss: { category: 'critical', range: [9.0, 10.0], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H' },
    riskImpactConsiderations:
      'Scope is the last limit on a stolen token; with `full` the impact of every other weakness in the app grows to the whole org.',
    higherRiskWhen: [ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Narrowing scopes can break calls the integration makes rarely (a month-end job, for example); review a long enough window of traffic before removing a scope.',
    remediation: [
      'List the scopes the integration needs; the traffic-aware review shows which scopes were granted over the window.',
      "Replace `full` with those scopes and remove any refresh-token scope from the app's OAuth settings.",
    ],
    guidance: 'Start from no scope and add what fails, rather than starting broad and hoping to narrow later.',
    references: [
      { title: 'RFC 6749 §3.3: Access Token Scope', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-3.3' },
      { title: 'RFC 9700 §2.3: Access Token Privilege Restriction', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.3' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'scopes' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const scopes = app.scopes;
    if (isUnknown(scopes)) return { status: 'unknown', evidence: unknownEvidence('OAuth scopes', scopes), fact: 'scopes' };
    if (scopes.some((s) => s.toLowerCase() === 'full')) {
      return { status: 'fail', evidence: 'The app grants the `full` scope, so its tokens can do anything its user can.', fact: 'scopes', state: 'full' };
    }
    const refresh = scopes.filter((s) => REFRESH_SCOPES.has(s));
    if (refresh.length > 0) {
      return {
        status: 'warn',
        evidence: `The app grants ${listNames(refresh)}, which no machine-to-machine flow needs.`,
        fact: 'scopes',
        state: `refresh:${refresh.join(',')}`,
      };
    }
    const traffic = context.trafficOf(app);
    if (traffic?.scopesUsed && context.snapshot.traffic) {
      const used = new Set(traffic.scopesUsed);
      const unused = scopes.filter((s) => !used.has(s));
      if (unused.length > 0 && traffic.lastTokenAt !== null) {
        const days = Math.round((context.snapshot.traffic.window.until.getTime() - context.snapshot.traffic.window.since.getTime()) / 86_400_000);
        return {
          status: 'warn',
          evidence: `The app grants ${listNames(unused)}, never granted on a token in the last ${days} days.`,
          fact: 'scopes',
          state: `unused:${unused.join(',')}`,
        };
      }
    }
    return { status: 'pass', evidence: `The app grants ${listNames(scopes, 6)}, without \`full\`.`, fact: 'scopes' };
  },
};
