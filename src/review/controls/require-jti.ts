/**
 * External Client Apps: Replay Protection. Every JWT Bearer assertion carries a `jti` that
 * Keygate accepts once (RFC 7519 §4.1.7; RFC 7523 §3, item 7). Without one Keygate still
 * takes each assertion once, by the hash of its signed part: a fallback of its own, which the
 * evidence names rather than calling the assertion replayable.
 */
import type { AppControl } from '../engine/control.js';
import { isUnknown } from '../engine/snapshot.js';
import { unknownEvidence } from './app-facts.js';
import { elevatedIntegrationUser, ipAllowlisted, ipNotEnforced } from './risk-conditions.js';

export const requireJti: AppControl = {
  id: 'eca.replay.require-jti',
  scope: 'app',
  metadata: {
    name: 'External Client Apps: Replay Protection: Require jti',
    family: 'External Client Apps',
    recommendedConfiguration: 'Turn on "require jti" for every app with the JWT Bearer flow.',
    overview:
      'With "require jti" on, each assertion must carry a unique identifier (RFC 7519 §4.1.7) and Keygate refuses a second use of it until the assertion expires. With it off, or under the salesforce-compat profile, an assertion may come without one; Keygate then takes each assertion once by the SHA-256 of its signed part, a safeguard of its own that RFC 7523 does not ask servers for.',
    riskIfNotConfigured:
      'Integrations get built without identifiers. Their requests cannot be matched against the client\'s own logs, and the same signer pointed at another server that trusts its certificate but keeps no such hash can have its assertions replayed there until they expire.',
    threatScenarios:
      'An integration signs without jti and also authenticates to a second server that trusts the same certificate; a TLS-inspecting proxy logs an assertion, and an operator replays it at that server within its five-minute life.',
    cvss: { category: 'medium', range: [4.0, 6.9], baseVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:N' },
    riskImpactConsiderations:
      "The replay window equals the org's maximum assertion lifetime; the shorter it is, the less a captured assertion is worth.",
    higherRiskWhen: [elevatedIntegrationUser({ S: 'C' }), ipNotEnforced({ AC: 'L' })],
    lowRiskWhen: [ipAllowlisted({ AV: 'A' })],
    businessConsiderations:
      'Clients must put a fresh random `jti` in every assertion; keygate/client and most JWT libraries do so, but hand-written signers may not.',
    remediation: [
      'Check that the integration sends a unique jti (the login history flags assertions without one).',
      'Turn on require jti for the app (keygate review fix eca.replay.require-jti --app NAME).',
    ],
    guidance: 'Without jti the replay window is reported as a warning when it is no longer than the baseline allows, and as a failure beyond.',
    references: [
      { title: 'RFC 7519 §4.1.7: "jti" (JWT ID) Claim', url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.7' },
      { title: 'RFC 7523 §3: JWT Format and Processing Requirements', url: 'https://www.rfc-editor.org/rfc/rfc7523#section-3' },
    ],
    needsTraffic: false,
  },
  evaluate(app, context) {
    const jwt = app.flows.jwtBearer;
    if (isUnknown(jwt)) return { status: 'unknown', evidence: unknownEvidence('JWT Bearer flow setting', jwt), fact: 'flows.jwtBearer' };
    if (!jwt) return { status: 'not_applicable', evidence: 'JWT Bearer is off, so the app accepts no assertion to replay.' };
    const required = app.requireJti;
    if (isUnknown(required)) return { status: 'unknown', evidence: unknownEvidence('require jti setting', required), fact: 'requireJti' };
    const compat = app.assertionProfile === 'salesforce-compat';
    if (required && !compat) return { status: 'pass', evidence: 'Require jti is on, so each assertion carries an identifier that is accepted once.', fact: 'requireJti' };
    const why = required ? 'Require jti is on, but the salesforce-compat profile accepts assertions without one' : 'Require jti is off';
    const fact = required ? 'assertionProfile' : 'requireJti';
    const lifetime = context.snapshot.org.maxAssertionLifetimeSeconds;
    const window = isUnknown(lifetime) ? 'its whole lifetime' : `${lifetime} seconds`;
    const evidence = `${why}. Keygate takes such an assertion once by its hash, but a server without that safeguard would accept it again for up to ${window}.`;
    const limit = context.thresholds.maxReplayWindowSeconds;
    if (!isUnknown(lifetime) && lifetime <= limit) return { status: 'warn', evidence, fact, state: 'off-short-window' };
    return { status: 'fail', evidence, fact, state: 'off' };
  },
};
