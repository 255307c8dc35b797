/**
 * External Client Apps: OAuth Policies: Permitted Users. Only users an administrator
 * pre-authorized, through a permission set, may obtain tokens through the app.
 */
import type { AppControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser } from './risk-conditions.js';

export const permittedUsersAdminApproved: AppControl = {
  id: 'eca.policy.permitted-users-admin-approved',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Policies: Permitted Users: Admin Approved Users Are Pre-Authorized',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Set permitted users to "admin approved users are pre-authorized" and grant access through a permission set made for the integration, not through a whole profile.',
    overview:
      'The permitted-users policy decides who may receive a token through the app. Under "all users may self-authorize", any active user who approves the app gets access; under "admin approved", only the profiles and permission sets an administrator listed.',
    riskIfNotConfigured:
      'With self-authorization, access to the app follows whoever approves it rather than a decision by an administrator, and nobody reviews the list.',
    threatScenarios:
      "An attacker with a low-privilege user's session approves the integration app for that user and uses the app's flows to mint tokens outside the usual sign-in checks.",
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations:
      'The damage depends on who can approve: in an org with many users, self-authorization turns the app into a path for every one of them.',
    higherRiskWhen: [elevatedIntegrationUser({ C: 'H', I: 'H' })],
    lowRiskWhen: [],
    businessConsiderations:
      'Switching to admin approval needs a permission set for the integration and its assignment to the right users; users who self-approved lose access until then.',
    remediation: [
      'Create a permission set for the integration and assign it to the integration user.',
      'Set permitted users to admin approved and pre-authorize that permission set instead of a profile.',
    ],
    guidance: 'Pre-authorize permission sets rather than profiles so that access is granted to named integration users only.',
    references: [
      { title: 'Salesforce Help: Manage OAuth Access Policies for a Connected App', url: 'https://help.salesforce.com/s/articleView?id=sf.connected_app_manage_oauth.htm&type=5' },
    ],
    needsTraffic: false,
  },
  evaluate(app) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'policies.permittedUsers' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const policy = app.permittedUsers;
    if (isUnknown(policy)) return { status: 'unknown', evidence: unknownEvidence('permitted users policy', policy), fact: 'policies.permittedUsers' };
    if (policy === 'selfAuthorized') {
      return {
        status: 'fail',
        evidence: 'Permitted users is "all users may self-authorize", so any user who approves the app can obtain tokens.',
        fact: 'policies.permittedUsers',
        state: 'self-authorized',
      };
    }
    const profiles = app.preAuthorizedProfiles;
    if (isUnknown(profiles)) return { status: 'unknown', evidence: unknownEvidence('pre-authorized profiles', profiles), fact: 'policies.profiles' };
    if (profiles.length > 0) {
      return {
        status: 'warn',
        evidence: `Permitted users is admin approved, but the app pre-authorizes the whole ${profiles.length === 1 ? 'profile' : 'profiles'} ${listNames(profiles)} rather than a permission set.`,
        fact: 'policies.profiles',
        state: `profiles:${[...profiles].sort().join(',')}`,
      };
    }
    // Say what was seen: with nothing pre-authorized there is no permission set to speak of.
    const principals = app.principals;
    const evidence =
      !isUnknown(principals) && principals.length === 0
        ? 'Permitted users is admin approved and nothing is pre-authorized yet, so no permitted user can obtain a token through the app.'
        : 'Permitted users is admin approved, and no whole profile is pre-authorized.';
    return { status: 'pass', evidence, fact: 'policies.permittedUsers' };
  },
};
