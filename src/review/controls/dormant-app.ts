/**
 * Traffic: Dormant Apps. An app with enabled flows that issued no token for the baseline's
 * dormancy period (90 days in standard) is a credential nobody watches.
 */
import type { AppControl } from '../engine/control.js';
import { daysBetween, isoDate, listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, flowLabel, NO_FLOW_EVIDENCE } from './app-facts.js';
import { elevatedIntegrationUser, secretStillAccepted } from './risk-conditions.js';

export const dormantApp: AppControl = {
  id: 'traffic.dormant-app',
  scope: 'app',
  metadata: {
    name: 'Traffic: Dormant Apps',
    family: 'Traffic',
    recommendedConfiguration: "Turn off the flows of an app that issued no token in the baseline's dormancy period (90 days), and delete it when its owner confirms.",
    overview:
      'Apps outlive the projects that made them. One that no longer issues tokens still holds certificates, secrets and pre-authorized users that nobody reviews.',
    riskIfNotConfigured:
      "A forgotten app's credentials can be used without disturbing any running integration, so misuse is unlikely to be noticed.",
    threatScenarios:
      'A pilot integration from last year still has client credentials on; its secret, left in the pilot repository, is used months later and no owner notices the new traffic.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N' },
    riskImpactConsiderations: 'Removing dormant apps shrinks the set of credentials to watch at no cost to any running integration.',
    higherRiskWhen: [secretStillAccepted({ C: 'H' }), elevatedIntegrationUser({ S: 'C' })],
    lowRiskWhen: [],
    businessConsiderations: 'Seasonal integrations (year-end, audits) may look dormant; confirm with the contact before deleting.',
    remediation: [
      "Ask the app's contact whether the integration is still needed.",
      'If not, turn off its flows, remove its certificates and secret, and delete it.',
    ],
    guidance: 'An app quiet for half the dormancy period is reported as a warning.',
    references: [
      { title: 'NIST SP 800-53 Rev. 5 AC-2(3): Disable Accounts', url: 'https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final' },
    ],
    needsTraffic: true,
  },
  evaluate(app, context) {
    const traffic = context.trafficOf(app);
    const window = context.snapshot.traffic?.window;
    if (traffic === null || !window) return { status: 'not_applicable', evidence: 'This review has no login history.' };
    const flows = enabledFlows(app);
    if (isUnknown(flows) || flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const dormantDays = context.thresholds.dormantDays;
    if (!isUnknown(app.createdAt) && daysBetween(app.createdAt, context.now) < dormantDays && traffic.lastTokenAt === null) {
      return { status: 'not_applicable', evidence: `The app was created on ${isoDate(app.createdAt)}, less than ${dormantDays} days ago.` };
    }
    const last = traffic.lastTokenAt;
    const covered = daysBetween(window.since, window.until);
    if (last === null) {
      if (covered < dormantDays) {
        return { status: 'unknown', evidence: `The login history covers ${covered} days, fewer than the ${dormantDays} days dormancy needs.` };
      }
      return {
        status: 'fail',
        evidence: `No token was issued in the last ${covered} days while ${listNames(flows.map(flowLabel))} ${flows.length === 1 ? 'stays' : 'stay'} enabled.`,
        state: 'dormant',
      };
    }
    const quiet = daysBetween(last, context.now);
    if (quiet >= dormantDays) {
      return { status: 'fail', evidence: `The last token was issued on ${isoDate(last)}, ${quiet} days ago.`, state: 'dormant' };
    }
    if (quiet >= Math.floor(dormantDays / 2)) {
      return { status: 'warn', evidence: `The last token was issued on ${isoDate(last)}, ${quiet} days ago.`, state: 'quiet' };
    }
    return { status: 'pass', evidence: `The last token was issued on ${isoDate(last)}.` };
  },
};
