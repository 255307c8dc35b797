/**
 * The seed control: External Client Apps: OAuth Flow Enablement: Enable JWT Bearer Flow.
 * An app that authenticates machine to machine should sign an assertion with a private key
 * (RFC 7523 §2.1) rather than present a secret.
 */
import type { AppControl } from '../engine/control.js';
import { daysBetween, isoDate, listNames } from '../engine/conditions.js';
import { isUnknown } from '../engine/snapshot.js';
import {
  certificateLabel,
  enabledFlows,
  flowLabel,
  longestLasting,
  NO_FLOW_EVIDENCE,
  secretFlows,
  unknownEvidence,
  usableCertificates,
} from './app-facts.js';
import { elevatedIntegrationUser, ipNotEnforced, kmsKeyAndIpAllowlist } from './risk-conditions.js';

export const jwtBearerEnabled: AppControl = {
  id: 'eca.oauth-flow.jwt-bearer-enabled',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: OAuth Flow Enablement: Enable JWT Bearer Flow',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Turn on the JWT Bearer flow and attach a current certificate, so that the integration proves itself with a signature made by its private key.',
    overview:
      'With the JWT Bearer flow an integration asks for a token by sending a short-lived assertion it signed; Keygate checks the signature against a certificate uploaded to the app. No reusable secret crosses the wire.',
    riskIfNotConfigured:
      'Integrations fall back to a consumer secret or a user password. Such values get pasted into build variables, source files and logs, and are open to guessing and credential stuffing.',
    threatScenarios:
      'Someone finds the consumer secret in an old deployment script and, from their own laptop, obtains tokens as the integration for as long as the secret stays unchanged. Had the app used JWT Bearer, they would also have needed the private key, which never leaves the integration host.',
    cvss: {
      category: 'high',
      range: [7.0, 8.9],
      baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N',
    },
    riskImpactConsiderations:
      'A static secret is hard to notice when copied and is rarely rotated, so a leak tends to stay open for a long time; certificates expire by design and their private keys can live where they cannot be exported.',
    higherRiskWhen: [
      elevatedIntegrationUser({ S: 'C' }),
      ipNotEnforced({ AC: 'L' }),
    ],
    lowRiskWhen: [kmsKeyAndIpAllowlist({ AV: 'A' })],
    businessConsiderations:
      'The integration team has to create a key pair, keep the private key safe, renew the certificate before it expires, and add signing code (or use keygate/client). Plan the switch with each integration owner.',
    remediation: [
      'Create a key pair and certificate for the integration (keygate keygen), keeping the private key in a KMS or HSM where possible.',
      "Upload the certificate to the app and turn on the JWT Bearer flow in the app's OAuth settings.",
      'Move the integration to signed assertions, then turn off client credentials and username-password and delete the consumer secret.',
    ],
    guidance:
      'Asymmetric machine-to-machine authentication is a mandatory standard in high-security environments: under the high-security baseline a machine-to-machine app that still relies on a secret is a critical finding.',
    references: [
      { title: 'RFC 7523: JWT Profile for OAuth 2.0 Client Authentication and Authorization Grants', url: 'https://www.rfc-editor.org/rfc/rfc7523' },
      { title: 'RFC 9700: Best Current Practice for OAuth 2.0 Security', url: 'https://www.rfc-editor.org/rfc/rfc9700' },
      { title: 'Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration', url: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm&type=5' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const flows = enabledFlows(app);
    if (isUnknown(flows)) return { status: 'unknown', evidence: unknownEvidence('OAuth flow settings', flows), fact: 'flows.jwtBearer' };
    const jwt = app.flows.jwtBearer;
    if (flows.length === 0) {
      // An OAuth-enabled integration app without a certificate can only be reached with a secret
      // or a person's sign-in: the remediation (a certificate and JWT Bearer) applies to it too.
      if (app.oauthIntegration === true && jwt === false) {
        return {
          status: 'fail',
          evidence: 'The app is enabled for OAuth but holds no certificate, so no integration can use the JWT Bearer flow.',
          fact: 'flows.jwtBearer',
          state: 'jwt-off:oauth-enabled',
        };
      }
      return { status: 'not_applicable', evidence: NO_FLOW_EVIDENCE };
    }
    if (isUnknown(jwt)) return { status: 'unknown', evidence: unknownEvidence('JWT Bearer flow setting', jwt), fact: 'flows.jwtBearer' };
    const secrets = secretFlows(app);
    if (!jwt) {
      return {
        status: 'fail',
        evidence: `The app authenticates machine to machine with ${listNames(flows.map(flowLabel))} while the JWT Bearer flow is off.`,
        fact: 'flows.jwtBearer',
        state: `jwt-off:${flows.join(',')}`,
      };
    }
    if (isUnknown(app.certificates)) return { status: 'unknown', evidence: unknownEvidence('certificates', app.certificates), fact: 'certificates' };
    const usable = usableCertificates(app.certificates, context.now);
    if (usable.length === 0) {
      if (secrets.length > 0) {
        return {
          status: 'fail',
          evidence: `JWT Bearer is on but the app has no valid certificate, so it can only authenticate with ${listNames(secrets.map(flowLabel))}.`,
          fact: 'certificates',
          state: `no-certificate:${secrets.join(',')}`,
        };
      }
      return {
        status: 'warn',
        evidence: 'JWT Bearer is on but the app has no valid certificate, so no integration can authenticate until one is uploaded.',
        fact: 'certificates',
        state: 'no-certificate',
      };
    }
    if (secrets.length > 0) {
      return {
        status: 'warn',
        evidence: `JWT Bearer is on, but ${listNames(secrets.map(flowLabel))} still ${secrets.length === 1 ? 'accepts' : 'accept'} a secret.`,
        fact: secrets[0] === 'clientCredentials' ? 'flows.clientCredentials' : 'flows.usernamePassword',
        state: `secret-flow:${secrets.join(',')}`,
      };
    }
    const last = longestLasting(usable)!;
    const days = daysBetween(context.now, last.notAfter);
    if (days < context.thresholds.certificateExpiryWarningDays) {
      return {
        status: 'warn',
        evidence: `JWT Bearer is on, but its ${usable.length === 1 ? 'only' : 'longest-lasting'} valid certificate ${certificateLabel(last)} expires on ${isoDate(last.notAfter)}, in ${days} days.`,
        fact: 'certificates',
        state: 'certificate-expiring',
      };
    }
    return {
      status: 'pass',
      evidence: `JWT Bearer is on with a valid certificate until ${isoDate(last.notAfter)}, and no secret-based flow is enabled.`,
      fact: 'flows.jwtBearer',
    };
  },
};
