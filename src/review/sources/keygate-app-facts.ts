/**
 * The facts both Keygate sources (a configuration file and the store) hold in the same shape:
 * flows, scopes, certificates, policies and the principals those policies admit. One mapping
 * serves both, so that a file and the server it configures are judged alike.
 */
import type { AppPolicies, AssertionProfile, Flows, KeyCustody } from '../../domain/app.js';
import { isWeakKey, type CertificateFacts } from '../../platform/x509.js';
import type { SnapshotApp } from '../engine/snapshot.js';
import type { PrincipalDirectory } from './principals.js';

/** An app's settings as Keygate records them, whichever the source. */
export interface KeygateAppSettings {
  readonly name: string;
  readonly flows: Flows;
  readonly scopes: readonly string[];
  readonly policies: AppPolicies;
  readonly clientCredentialsRunAs: string | null;
  readonly keyCustody: KeyCustody;
  readonly requireJti: boolean;
  readonly assertionProfile: AssertionProfile;
}

type SharedFacts = Pick<
  SnapshotApp,
  | 'flows'
  | 'scopes'
  | 'certificates'
  | 'permittedUsers'
  | 'preAuthorizedProfiles'
  | 'principals'
  | 'runAs'
  | 'ipRelaxation'
  | 'trustedIpRanges'
  | 'sessionTimeoutMinutes'
  | 'keyCustody'
  | 'requireJti'
  | 'assertionProfile'
>;

export function keygateAppFacts(app: KeygateAppSettings, certificates: readonly CertificateFacts[], directory: PrincipalDirectory): SharedFacts {
  const policy = {
    name: app.name,
    permittedUsers: app.policies.permittedUsers,
    profiles: app.policies.profiles,
    permissionSets: app.policies.permissionSets,
    clientCredentialsRunAs: app.clientCredentialsRunAs,
  };
  return {
    flows: { ...app.flows },
    scopes: app.scopes,
    certificates: certificates.map((c) => ({
      fingerprintSha256: c.fingerprintSha256,
      subject: c.subject,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      keyType: c.keyType,
      keySize: c.keySize,
      weakKey: isWeakKey(c),
    })),
    permittedUsers: app.policies.permittedUsers,
    preAuthorizedProfiles: app.policies.permittedUsers === 'adminApproved' ? app.policies.profiles : [],
    principals: directory.admittedBy(policy),
    runAs: directory.runAs(policy),
    ipRelaxation: app.policies.ipRelaxation,
    trustedIpRanges: app.policies.trustedIpRanges,
    sessionTimeoutMinutes: app.policies.sessionTimeoutMinutes,
    keyCustody: app.keyCustody,
    requireJti: app.requireJti,
    assertionProfile: app.assertionProfile,
  };
}
