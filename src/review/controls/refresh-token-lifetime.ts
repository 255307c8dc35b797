/**
 * External Client Apps: OAuth Policies: Refresh Token Policy. Refresh tokens expire: never
 * "valid until revoked" (RFC 9700 §4.14.2).
 */
import type { AppControl } from '../engine/control.js';
import { isUnknown } from '../engine/snapshot.js';
import { unknownEvidence } from './app-facts.js';
import { refreshTokensIssued } from './refresh-token-facts.js';

function days(minutes: number | undefined): string {
  if (minutes === undefined) return 'a set period';
  return minutes % 1440 === 0 ? `${minutes / 1440} day${minutes === 1440 ? '' : 's'}` : `${minutes} minutes`;
}

export const refreshTokenLifetime: AppControl = {
  id: 'eca.policy.refresh-token-lifetime',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Policies: Refresh Token Policy: Expire Refresh Tokens',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Give refresh tokens a fixed lifetime (or issue none to machine-to-machine apps); never "valid until revoked".',
    overview:
      'The refresh token policy decides how long a refresh token can mint new access tokens: until revoked, for a fixed period from issue, while it keeps being used, or not at all.',
    riskIfNotConfigured:
      'A refresh token that never expires is a standing credential. Tokens handed to people who left, devices that were sold or tools nobody uses any more keep working until someone revokes them one by one.',
    threatScenarios:
      'A refresh token issued years ago to a reporting tool sits in an old configuration backup; restored on an attacker\'s machine it still mints access tokens, because nothing ever set an end date.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations:
      'Lifetime bounds how long any leaked refresh token stays useful; combined with rotation it limits both the window and the number of working copies.',
    higherRiskWhen: [
      {
        id: 'refresh-tokens-not-rotated',
        kind: 'higher',
        description: 'Refresh token rotation is off, so every copy of a token stays valid for its whole lifetime.',
        overrides: { I: 'H' },
        holds: (_context, app) => app !== null && app.refreshTokenRotation === false,
      },
    ],
    lowRiskWhen: [
      {
        id: 'refresh-tokens-rotated',
        kind: 'lower',
        description: 'Refresh token rotation is on, so a copied token dies at the next legitimate refresh.',
        overrides: { C: 'L' },
        holds: (_context, app) => app !== null && app.refreshTokenRotation === true,
      },
    ],
    businessConsiderations:
      'Users and tools must sign in again when a refresh token expires; pick a lifetime that matches how often they work, and prefer JWT Bearer for unattended integrations, which need no refresh token.',
    remediation: [
      'In the app\'s OAuth policies, set the refresh token policy to expire after a fixed period (refreshTokenPolicyType SpecificLifetime; for Connected Apps, refreshTokenPolicy specific_lifetime).',
      'Revoke the refresh tokens issued under the old policy.',
    ],
    guidance: 'Expiry after inactivity is a warning: a token in regular use, including a stolen one, never reaches it.',
    references: [
      { title: 'RFC 9700 §4.14.2: Refresh Token Protection, Recommendations', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2' },
      { title: 'Salesforce Help: Manage OAuth Access Policies for a Connected App', url: 'https://help.salesforce.com/s/articleView?id=sf.connected_app_manage_oauth.htm&type=5' },
    ],
    needsTraffic: false,
  },
  evaluate(app) {
    const policy = app.refreshTokenPolicy;
    const location = app.locations?.refreshTokenPolicy;
    const at = location ? { location } : {};
    if (policy === undefined) return { status: 'not_applicable', evidence: 'This source has no refresh token policy (Keygate issues no refresh tokens).' };
    if (!isUnknown(policy) && policy.kind === 'zero') return { status: 'pass', evidence: `The app issues no usable refresh token (${policy.raw}).`, ...at };
    const issued = refreshTokensIssued(app);
    if (issued !== null) return { status: 'not_applicable', evidence: issued };
    if (isUnknown(policy)) return { status: 'unknown', evidence: unknownEvidence('refresh token policy', policy), ...at };
    switch (policy.kind) {
      case 'infinite':
        return { status: 'fail', evidence: `Refresh tokens are valid until revoked (${policy.raw}), so a leaked one never expires.`, ...at, state: 'infinite' };
      case 'inactivity':
        return {
          status: 'warn',
          evidence: `Refresh tokens expire only after ${days(policy.periodMinutes)} without use (${policy.raw}), so one in regular use never expires.`,
          ...at,
          state: 'inactivity',
        };
      default:
        return { status: 'pass', evidence: `Refresh tokens expire ${days(policy.periodMinutes)} after they are issued (${policy.raw}).`, ...at };
    }
  },
};
