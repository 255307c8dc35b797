/**
 * External Client Apps: Security: Enable Refresh Token Rotation. Each use of a refresh token
 * replaces it, so a copied token stops working after its next legitimate use (RFC 9700 §4.14.2).
 */
import type { AppControl } from '../engine/control.js';
import { isUnknown } from '../engine/snapshot.js';
import { unknownEvidence } from './app-facts.js';
import { ipAllowlisted, ipNotEnforced } from './risk-conditions.js';
import { refreshTokensIssued, refreshTokensLiveForever } from './refresh-token-facts.js';

export const refreshTokenRotation: AppControl = {
  id: 'eca.security.refresh-token-rotation',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Security: Enable Refresh Token Rotation',
    family: 'External Client Apps',
    recommendedConfiguration: 'Turn on refresh token rotation for every app that hands out refresh tokens.',
    overview:
      'With rotation, redeeming a refresh token returns a new one and retires the old. A stolen refresh token then works at most until the rightful client uses its own copy, and reuse of a retired token reveals the theft.',
    riskIfNotConfigured:
      'A refresh token is a long-lived credential; without rotation the same value keeps minting access tokens for as long as its policy allows, and a copy is indistinguishable from the original.',
    threatScenarios:
      "A refresh token lands in a mobile device backup. Months later, whoever restores the backup keeps obtaining fresh access tokens alongside the real app, and nothing in the token's use looks wrong.",
    cvss: { category: 'high', range: [7.0, 8.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N' },
    riskImpactConsiderations:
      'Rotation turns a silent, lasting compromise into a short and detectable one; its value grows with the refresh token lifetime.',
    higherRiskWhen: [
      {
        id: 'refresh-tokens-never-expire',
        kind: 'higher',
        description: 'Refresh tokens never expire, so an unrotated copy works until someone revokes it.',
        overrides: { AC: 'L' },
        holds: (_context, app) => app !== null && refreshTokensLiveForever(app),
      },
      ipNotEnforced({ AC: 'L' }),
    ],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Clients must store the new refresh token each time they use one; a client that keeps the first token fails on its second refresh and has to sign in again.',
    remediation: [
      "Tick \"Enable Refresh Token Rotation\" in the app's OAuth settings (isRefreshTokenRotationEnabled).",
      'Check that every client saves the refresh token returned with each new access token.',
    ],
    guidance: 'Pair rotation with a refresh token lifetime, so that an abandoned token also expires.',
    references: [
      { title: 'RFC 9700 §4.14.2: Refresh Token Protection, Recommendations', url: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2' },
      { title: 'RFC 6749 §6: Refreshing an Access Token', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-6' },
    ],
    needsTraffic: false,
  },
  evaluate(app) {
    const rotation = app.refreshTokenRotation;
    const location = app.locations?.refreshTokenRotation;
    const at = location ? { location } : {};
    if (rotation === undefined) return { status: 'not_applicable', evidence: 'This source has no refresh token rotation setting (Keygate issues no refresh tokens).' };
    const issued = refreshTokensIssued(app);
    if (issued !== null) return { status: 'not_applicable', evidence: issued };
    if (isUnknown(rotation)) return { status: 'unknown', evidence: unknownEvidence('refresh token rotation setting', rotation), ...at };
    if (rotation) return { status: 'pass', evidence: 'Refresh token rotation is on: each refresh token works once.', ...at };
    const policy = app.refreshTokenPolicy;
    if (policy !== undefined && !isUnknown(policy) && policy.kind === 'lifetime') {
      return {
        status: 'warn',
        evidence: `Refresh token rotation is off, though refresh tokens expire on a fixed lifetime (${policy.raw}).`,
        ...at,
        state: 'off-bounded',
      };
    }
    return { status: 'fail', evidence: 'Refresh token rotation is off, so a copied refresh token keeps working alongside the original.', ...at, state: 'off' };
  },
};
