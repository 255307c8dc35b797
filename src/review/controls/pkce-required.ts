/**
 * External Client Apps: Security: Require PKCE. Authorization codes issued through the app
 * can only be redeemed with the verifier of the request that asked for them (RFC 7636).
 */
import type { AppControl } from '../engine/control.js';
import { isUnknown } from '../engine/snapshot.js';
import { secretFlows, unknownEvidence } from './app-facts.js';
import { ipNotEnforced, secretStillAccepted } from './risk-conditions.js';

export const pkceRequired: AppControl = {
  id: 'eca.security.pkce-required',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Security: Require Proof Key for Code Exchange (PKCE)',
    family: 'External Client Apps',
    recommendedConfiguration:
      'Require PKCE on every app that can run the authorization code flow, or once for the whole org, so that no authorization code is redeemed without its verifier.',
    overview:
      'PKCE binds an authorization code to the client that started the sign-in: the client sends a hash of a random verifier with the request and the verifier itself when it redeems the code. A code seen by anyone else is worthless to them.',
    riskIfNotConfigured:
      'An authorization code caught on its way back (a malicious browser extension, a shared device, a logged redirect URL) can be exchanged for tokens by whoever caught it.',
    threatScenarios:
      "A browser add-on installed on a sales rep's laptop reads the redirect carrying the code and redeems it first, obtaining a token and, with the refresh scope, lasting access as that rep.",
    // A:L: the redeemed code carries the user's rights, which reach as far as deleting their records.
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:L' },
    riskImpactConsiderations:
      'The code flow is the way people sign in to integrations; a redeemed code gives the attacker the user\'s own rights, and refresh tokens keep them in long after the session ends.',
    higherRiskWhen: [secretStillAccepted({ UI: 'N' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [
      {
        id: 'certificate-only-app',
        kind: 'lower',
        description: 'The app authenticates machine to machine with a certificate alone, so the authorization code flow is not how its integration gets tokens.',
        overrides: { I: 'L' },
        holds: (_context, app) => app !== null && app.flows.jwtBearer === true && secretFlows(app).length === 0,
      },
    ],
    businessConsiderations:
      'Current OAuth libraries send PKCE on their own; an old client that does not will fail to sign in until it is updated, so check the callers before requiring it org-wide.',
    remediation: [
      "Tick \"Require Proof Key for Code Exchange (PKCE)\" in the app's OAuth settings (isPkceRequired).",
      "Once every app's clients send PKCE, require it org-wide in OAuth and OpenID Connect Settings (OauthOidcSettings isPkceRequired).",
    ],
    guidance: 'Require PKCE for confidential clients too: RFC 9700 recommends it for every client that uses the authorization code flow.',
    references: [
      { title: 'RFC 7636: Proof Key for Code Exchange by OAuth Public Clients', url: 'https://www.rfc-editor.org/rfc/rfc7636' },
      { title: 'RFC 9700 §2.1.1: Authorization Code Grant', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const own = app.pkceRequired;
    const org = context.snapshot.org.pkceRequired;
    const orgLocation = context.snapshot.org.locations?.pkceRequired;
    const location = app.locations?.pkceRequired;
    if (own === undefined) {
      return { status: 'not_applicable', evidence: 'This source has no PKCE setting for the app (Keygate issues no authorization codes).' };
    }
    if (org === true) {
      return { status: 'pass', evidence: 'The org requires PKCE for every authorization code flow.', ...(orgLocation ? { location: orgLocation } : {}) };
    }
    if (own === true) return { status: 'pass', evidence: 'The app requires PKCE on its authorization code flow.', ...(location ? { location } : {}) };
    if (isUnknown(own)) return { status: 'unknown', evidence: unknownEvidence("app's PKCE setting", own), ...(location ? { location } : {}) };
    if (isUnknown(org)) return { status: 'unknown', evidence: unknownEvidence('org-wide PKCE setting (the app does not require PKCE itself)', org), ...(location ? { location } : {}) };
    const certificateOnly = app.flows.jwtBearer === true && secretFlows(app).length === 0;
    if (certificateOnly) {
      return {
        status: 'warn',
        evidence: 'Neither the app nor the org requires PKCE; the integration signs its own assertions, but anyone signing in through the app runs the code flow unprotected.',
        ...(location ? { location } : {}),
        state: 'off-certificate-only',
      };
    }
    return {
      status: 'fail',
      evidence: 'Neither the app nor the org requires PKCE, so an intercepted authorization code can be redeemed without its verifier.',
      ...(location ? { location } : {}),
      state: 'off',
    };
  },
};
