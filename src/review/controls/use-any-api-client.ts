/**
 * Org: Use Any API Client. No profile or permission set grants `UseAnyApiClient`, which lets
 * its holders use any app, bypassing API access control and admin approval.
 */
import type { OrgControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';

export const useAnyApiClient: OrgControl = {
  id: 'org.permissions.use-any-api-client',
  scope: 'org',
  metadata: {
    name: 'Org: Permissions: Do Not Grant "Use Any API Client"',
    family: 'Org',
    recommendedConfiguration: 'Grant "Use Any API Client" (UseAnyApiClient) to no profile and no permission set; approve the apps people need instead.',
    overview:
      'Salesforce can restrict API access to approved apps only. "Use Any API Client" exempts its holders: they may use any app, including ones no administrator has approved or pre-authorized.',
    riskIfNotConfigured:
      "Every holder can connect unvetted tools to the org with their own rights, so the app allowlist and the apps' admin-approved settings stop protecting those users.",
    threatScenarios:
      'A consultant with the permission signs in to a free data-export tool found online; it pulls the records the consultant can see to a server nobody at the company knows about.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations:
      'The impact is that of the holders\' own rights; it is worst when the permission sits on a broadly assigned profile or on users with admin-grade permissions.',
    higherRiskWhen: [
      {
        id: 'admin-grade-holder',
        kind: 'higher',
        description: 'A profile or permission set granting it also grants an admin-grade permission, so an unvetted app acts with administrator rights.',
        overrides: { I: 'H' },
        holds: (context) => {
          const grants = context.snapshot.org.useAnyApiClient;
          return grants !== undefined && !isUnknown(grants) && grants.some((p) => p.elevatedPermissions.length > 0);
        },
      },
    ],
    lowRiskWhen: [
      {
        id: 'permission-sets-only',
        kind: 'lower',
        description: 'Only permission sets grant it, so it reaches named users rather than everyone on a profile.',
        overrides: { C: 'L' },
        holds: (context) => {
          const grants = context.snapshot.org.useAnyApiClient;
          return grants !== undefined && !isUnknown(grants) && grants.length > 0 && grants.every((p) => p.kind === 'permissionSet');
        },
      },
    ],
    businessConsiderations:
      'Power users and developers often rely on it for ad hoc tools; list those tools, approve them as apps, and remove the permission.',
    remediation: [
      'Find who relies on the permission (profiles and permission sets granting UseAnyApiClient).',
      'Approve or install the apps they need, then remove UseAnyApiClient from every profile and permission set.',
    ],
    guidance: 'A retrieved profile holds only the parts related to the other retrieved components, so retrieve all profiles and permission sets for a complete answer.',
    references: [
      { title: 'Salesforce Help: Manage API Access (API Access Control)', url: 'https://help.salesforce.com/s/articleView?id=sf.security_api_access_control_about.htm&type=5' },
    ],
    needsTraffic: false,
  },
  evaluate(context) {
    const grants = context.snapshot.org.useAnyApiClient;
    if (grants === undefined) return { status: 'not_applicable', evidence: 'This source has no "Use Any API Client" permission.' };
    if (isUnknown(grants)) return { status: 'unknown', evidence: `Who holds "Use Any API Client" could not be read: ${grants.reason}.` };
    if (grants.length === 0) {
      return { status: 'pass', evidence: 'No retrieved profile or permission set grants UseAnyApiClient (as far as the retrieved profiles show).' };
    }
    const names = grants.map((p) => `${p.kind === 'profile' ? 'profile' : 'permission set'} ${p.name}`);
    const location = grants[0]!.location;
    const at = location ? { location } : {};
    const profiles = grants.filter((p) => p.kind === 'profile');
    if (profiles.length === 0) {
      return {
        status: 'warn',
        evidence: `UseAnyApiClient is granted through ${listNames(names)}, letting its holders use apps nobody approved.`,
        ...at,
        state: `grants:${grants.map((p) => p.name).sort().join(',')}`,
      };
    }
    return {
      status: 'fail',
      evidence: `UseAnyApiClient is granted by ${listNames(names)}, so everyone on ${profiles.length === 1 ? 'that profile' : 'those profiles'} can use apps nobody approved.`,
      ...at,
      state: `grants:${grants.map((p) => p.name).sort().join(',')}`,
    };
  },
};
