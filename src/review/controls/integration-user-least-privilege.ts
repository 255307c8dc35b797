/**
 * External Client Apps: Integration User Least Privilege. The users an app acts as hold no
 * admin-grade permission and are used by the integration alone.
 */
import type { AppControl } from '../engine/control.js';
import { elevatedPrincipals, listNames } from '../engine/conditions.js';
import { isUnknown, type Principal } from '../engine/snapshot.js';
import { enabledFlows, NO_FLOW_EVIDENCE, unknownEvidence } from './app-facts.js';
import { ipNotEnforced, kmsKeyAndIpAllowlist, secretStillAccepted } from './risk-conditions.js';

export const integrationUserLeastPrivilege: AppControl = {
  id: 'eca.integration-user.least-privilege',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Integration User Least Privilege',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Give every pre-authorized and run-as user only the permissions its integration needs: none of ModifyAllData, ViewAllData, ManageUsers, CustomizeApplication or AuthorApex, and no interactive sign-in.',
    overview:
      'A token carries the rights of the user it was issued for. For machine-to-machine apps that user is a pre-authorized integration user or the client credentials run-as user.',
    riskIfNotConfigured:
      "Any weakness in how the integration authenticates becomes an administrator's compromise when its user holds admin-grade permissions.",
    threatScenarios:
      'A data-sync integration runs as a user with ModifyAllData and ManageUsers; whoever obtains its token creates a new administrator and removes the audit trail.',
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      "Privilege decides the impact of every other finding on the app; it is the one setting that turns a contained leak into an org-wide one.",
    higherRiskWhen: [secretStillAccepted({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [kmsKeyAndIpAllowlist({ AV: 'A' })],
    businessConsiderations:
      'Integrations are often built with an administrator for convenience; narrowing rights needs a test of every call the integration makes.',
    remediation: [
      'Create a dedicated integration user with a permission set holding only the object and field access the integration needs.',
      'Pre-authorize that permission set (or set it as the run-as user), remove admin-grade permissions, and remove its password so it cannot sign in interactively.',
    ],
    guidance: 'One integration, one user, one permission set: shared integration users hide who did what.',
    references: [
      { title: 'RFC 9700 §2.3: Access Token Privilege Restriction', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.3' },
      { title: 'NIST SP 800-53 Rev. 5 AC-6: Least Privilege', url: 'https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final' },
    ],
    needsTraffic: false,
  },
  evaluate(app) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'policies.profiles' };
    if (flows.length === 0) return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    const principals = app.principals;
    const runAs = app.runAs;
    if (isUnknown(principals) && isUnknown(runAs)) {
      return { status: 'unknown', evidence: unknownEvidence('pre-authorized and run-as users', principals), fact: 'policies.profiles' };
    }
    const all: Principal[] = [...(isUnknown(principals) ? [] : principals)];
    if (!isUnknown(runAs) && runAs !== null && !all.some((p) => p.kind === runAs.kind && p.name === runAs.name)) all.push(runAs);
    if (all.length === 0) {
      return { status: 'not_applicable', evidence: 'No user is pre-authorized on the app and no run-as user is set.' };
    }
    const elevated = elevatedPrincipals(app);
    if (elevated.length > 0) {
      const permissions = [...new Set(elevated.flatMap((p) => p.elevatedPermissions))].sort();
      return {
        status: 'fail',
        evidence: `${listNames(elevated.map((p) => p.name))} ${elevated.length === 1 ? 'holds' : 'hold'} ${listNames(permissions, 5)} and can obtain tokens through the app.`,
        fact: !isUnknown(runAs) && runAs !== null && elevated.includes(runAs) ? 'clientCredentialsRunAs' : 'policies.profiles',
        state: `elevated:${elevated.map((p) => p.name).sort().join(',')}`,
      };
    }
    const interactive = all.filter((p) => p.interactiveSignIn === true);
    if (interactive.length > 0) {
      return {
        status: 'warn',
        evidence: `${listNames(interactive.map((p) => p.name))} can also sign in interactively with a password, so the integration identity is shared with a person.`,
        fact: 'policies.profiles',
        state: `interactive:${interactive.map((p) => p.name).sort().join(',')}`,
      };
    }
    return {
      status: 'pass',
      evidence: `${all.length} integration ${all.length === 1 ? 'identity holds' : 'identities hold'} no admin-grade permission and cannot sign in interactively.`,
      fact: 'policies.profiles',
    };
  },
};
