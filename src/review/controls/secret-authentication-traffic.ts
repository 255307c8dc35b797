/**
 * Traffic: Apps Still Authenticating With a Secret. Read from the login history over the
 * review window: token requests proved with a client secret or a password.
 */
import type { AppControl } from '../engine/control.js';
import { isoDate, listNames } from '../engine/conditions.js';
import type { TrafficUsage } from '../engine/snapshot.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

const SECRET_CREDENTIALS = new Set(['client-secret', 'password']);

/** Aggregates usages into one count, their users and the last time seen. */
export function sumUsage(usages: readonly TrafficUsage[]): { count: number; users: string[]; lastSeen: Date | null } {
  let count = 0;
  let last: Date | null = null;
  const users = new Set<string>();
  for (const u of usages) {
    count += u.count;
    for (const name of u.users) users.add(name);
    if (!last || u.lastSeen.getTime() > last.getTime()) last = u.lastSeen;
  }
  return { count, users: [...users].sort(), lastSeen: last };
}

export const secretAuthenticationTraffic: AppControl = {
  id: 'traffic.secret-authentication',
  scope: 'app',
  metadata: {
    name: 'Traffic: Apps Still Authenticating With a Secret',
    family: 'Traffic',
    recommendedConfiguration: 'No token request in the review window is authenticated with a consumer secret or a password.',
    overview:
      'Configuration says what an app allows; the login history says what its integrations actually do. This control counts the token requests proved with a static secret, by whom, and when last.',
    riskIfNotConfigured:
      'Secrets in active use are the ones most likely to sit in scripts, pipelines and vaults that someone else can read, and they keep the secret-based flows from being turned off.',
    threatScenarios:
      'A nightly job still posts its consumer secret; the secret travels through a shared CI variable that a compromised build plugin reads.',
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations: 'Observed use shows the risk is live, not theoretical, and names the integrations to move first.',
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations: 'Each caller listed needs a key pair and a code change; start with the most used.',
    remediation: [
      'Contact the owners of the users listed and move their integrations to JWT Bearer.',
      'When the count drops to zero, turn off the secret-based flows and delete the consumer secret.',
    ],
    guidance: 'Failed secret attempts alone are a warning: someone still tries a secret, even if it no longer works.',
    references: [
      { title: 'RFC 7523: JWT Profile for OAuth 2.0 Client Authentication and Authorization Grants', url: 'https://www.rfc-editor.org/rfc/rfc7523' },
    ],
    needsTraffic: true,
  },
  evaluate(app, context) {
    const traffic = context.trafficOf(app);
    if (traffic === null) return { status: 'not_applicable', evidence: 'This review has no login history.' };
    const secretUse = traffic.usage.filter((u) => SECRET_CREDENTIALS.has(u.credential));
    const ok = sumUsage(secretUse.filter((u) => u.outcome === 'success'));
    if (ok.count > 0) {
      return {
        status: 'fail',
        evidence: `${ok.count} token request${ok.count === 1 ? ' was' : 's were'} authenticated with a secret by ${listNames(ok.users)}, last on ${isoDate(ok.lastSeen!)}.`,
        state: 'secret-in-use',
      };
    }
    const failed = sumUsage(secretUse.filter((u) => u.outcome === 'failure'));
    if (failed.count > 0) {
      return {
        status: 'warn',
        evidence: `${failed.count} failed token request${failed.count === 1 ? '' : 's'} tried a secret${failed.users.length ? ` for ${listNames(failed.users)}` : ''}, last on ${isoDate(failed.lastSeen!)}.`,
        state: 'secret-attempted',
      };
    }
    return { status: 'pass', evidence: 'No token request in the window was authenticated with a secret.' };
  },
};
