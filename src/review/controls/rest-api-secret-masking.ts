/**
 * External Client App Settings: REST API Secret Masking. Consumer secrets cannot be read
 * through the REST API (`ExternalClientAppSettings.enableClientSecretInRestApiAccess` off).
 */
import type { OrgControl } from '../engine/control.js';
import { listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import { appsRelyingOnSecrets, noAppReliesOnSecrets, secretAlreadyRetrieved } from './secret-exposure.js';

export const restApiSecretMasking: OrgControl = {
  id: 'eca.settings.rest-api-secret-masking',
  scope: 'org',
  metadata: {
    name: 'External Client App Settings: REST API Secret Masking',
    family: 'External Client Apps',
    recommendedConfiguration: 'Keep consumer secrets out of REST API responses: leave "Allow access to consumer secrets via the REST API" off.',
    overview:
      'Salesforce can return External Client App consumer secrets through its credentials REST API. With the setting on, any token with the right permission can pull every secret in plain text, programmatically and in bulk.',
    riskIfNotConfigured:
      'One compromised administrator or integration token is enough to harvest the secrets of all integrations, without leaving the kind of trace a person clicking through Setup would.',
    threatScenarios:
      "A script running under a phished administrator's session loops over the org's apps, reads each consumer secret through the REST API and uses them from outside to impersonate the integrations.",
    // S:C: one token that may read secrets reaches the credentials of every other integration.
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'Bulk, scriptable access multiplies the damage of a single stolen token: every secret-based integration falls at once.',
    higherRiskWhen: [secretAlreadyRetrieved],
    lowRiskWhen: [noAppReliesOnSecrets],
    businessConsiderations:
      'Tools that provision integrations and read back their secret over REST must get it from a secret manager instead; integrations on JWT Bearer need no secret at all.',
    remediation: [
      'In Setup, External Client App Settings, turn off access to consumer secrets through the REST API (enableClientSecretInRestApiAccess false).',
      'Rotate the consumer secrets of integrations whose secret may have been read while it was on.',
    ],
    guidance: 'A secret that can be read back is a secret that will be; prefer credentials that are never retrievable, like a private key that stays with the integration.',
    references: [
      { title: 'Salesforce Metadata API: ExternalClientAppSettings', url: 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalclientappsettings.htm' },
      { title: 'RFC 9700 §2.5: Client Authentication', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.5' },
    ],
    needsTraffic: false,
  },
  evaluate(context) {
    const { org } = context.snapshot;
    const readable = org.secretsReadableViaRestApi;
    const location = org.locations?.secretsReadableViaRestApi;
    const at = location ? { location } : {};
    if (readable === undefined) return { status: 'not_applicable', evidence: 'This source has no REST API that could return consumer secrets.' };
    if (isUnknown(readable)) return { status: 'unknown', evidence: `Whether consumer secrets are readable through the REST API could not be read: ${readable.reason}.`, ...at };
    if (!readable) return { status: 'pass', evidence: 'Consumer secrets cannot be read through the REST API.', ...at };
    const relying = appsRelyingOnSecrets(context.snapshot);
    if (relying.length === 0) {
      return {
        status: 'warn',
        evidence: 'Consumer secrets are readable through the REST API, though no app here accepts a secret on a machine-to-machine flow.',
        ...at,
        state: 'on-unused',
      };
    }
    return {
      status: 'fail',
      evidence: `Consumer secrets are readable through the REST API, and ${listNames(relying)} still ${relying.length === 1 ? 'accepts' : 'accept'} one.`,
      ...at,
      state: 'on',
    };
  },
};
