/**
 * External Client App Settings: Metadata Secrets Protection. Consumer secrets cannot be read
 * through the Metadata API (`ExternalClientAppSettings.enableConsumerSecretApiAccess` off);
 * a consumer secret found in a retrieved file proves they can.
 */
import type { OrgControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { appsRelyingOnSecrets, noAppReliesOnSecrets, secretAlreadyRetrieved } from './secret-exposure.js';

export const metadataSecretsProtection: OrgControl = {
  id: 'eca.settings.metadata-secrets-protection',
  scope: 'org',
  metadata: {
    name: 'External Client App Settings: Metadata Secrets Protection',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Turn off "Allow access to External Client App consumer secrets via Metadata API", so that retrieving metadata never returns a consumer secret.',
    overview:
      'When the org lets the Metadata API return consumer secrets, every retrieval of External Client App OAuth settings writes the secrets in plain text into the files, and from there into repositories, CI caches and laptops.',
    riskIfNotConfigured:
      'Secrets spread with the metadata: anyone who can read the repository or a build artefact holds the credentials of every integration that still uses one.',
    threatScenarios:
      'A developer retrieves the org into a feature branch and pushes it; the consumer secret of the billing integration is now in the Git history, readable by every contractor with repository access.',
    // PR:N: whoever reads the files needs no privilege in the org to use a secret found there.
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'A secret committed to source control is effectively public inside the company and cannot be un-published; the only fix is rotation of every exposed secret.',
    higherRiskWhen: [secretAlreadyRetrieved],
    lowRiskWhen: [noAppReliesOnSecrets],
    businessConsiderations:
      'Deployment pipelines that create apps with a fixed secret lose that ability; have them read secrets from a secret manager instead, or move the integrations to JWT Bearer.',
    remediation: [
      'In Setup, External Client App Settings, turn off access to consumer secrets via the Metadata API (enableConsumerSecretApiAccess false).',
      'Remove consumerSecret elements from the repository and its history, and rotate every secret that was retrieved.',
    ],
    guidance: 'Treat any consumerSecret element in source control as a leaked credential.',
    references: [
      { title: 'Salesforce Metadata API: ExternalClientAppSettings', url: 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalclientappsettings.htm' },
      { title: 'Salesforce Metadata API: ExtlClntAppGlobalOauthSettings', url: 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappglobaloauthsettings.htm' },
    ],
    needsTraffic: false,
  },
  evaluate(context) {
    const { org } = context.snapshot;
    const readable = org.secretsReadableViaMetadataApi;
    const location = org.locations?.secretsReadableViaMetadataApi;
    const at = location ? { location } : {};
    if (readable === undefined) return { status: 'not_applicable', evidence: 'This source has no metadata API that could return consumer secrets.' };
    const proof = org.retrievedConsumerSecrets ?? [];
    if (proof.length > 0) {
      const files = proof.map((p) => p.file.split(/[\\/]/).pop()!);
      return {
        status: 'fail',
        evidence: `${proof.length} retrieved file${proof.length === 1 ? ' holds' : 's hold'} a consumer secret (${listNames(files)}), so secrets are readable through the metadata API.`,
        ...at,
        state: 'retrieved',
      };
    }
    if (isUnknown(readable)) return { status: 'unknown', evidence: `Whether consumer secrets are readable through the metadata API could not be read: ${readable.reason}.`, ...at };
    if (!readable) return { status: 'pass', evidence: 'Consumer secrets cannot be read through the metadata API.', ...at };
    const relying = appsRelyingOnSecrets(context.snapshot);
    if (relying.length === 0) {
      return {
        status: 'warn',
        evidence: 'Consumer secrets are readable through the metadata API, though no app here accepts a secret on a machine-to-machine flow.',
        ...at,
        state: 'on-unused',
      };
    }
    return {
      status: 'fail',
      evidence: `Consumer secrets are readable through the metadata API, and ${listNames(relying)} still ${relying.length === 1 ? 'accepts' : 'accept'} one.`,
      ...at,
      state: 'on',
    };
  },
};
