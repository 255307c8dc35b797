/**
 * Risk conditions several controls share, as predicates. Each control picks the ones its
 * "higher risk when" and "low risk when" name and the CVSS metrics each one moves.
 */
import type { CvssOverrides } from '../engine/cvss.js';
import type { RiskCondition } from '../engine/control.js';
import { hasElevatedPrincipal, isIpAllowlisted, isIpRelaxed, isKeyInKms } from '../engine/conditions.js';
import { secretFlows } from './app-facts.js';

/** A pre-authorized or run-as user holds an admin-grade permission. */
export function elevatedIntegrationUser(overrides: CvssOverrides): RiskCondition {
  return {
    id: 'elevated-integration-user',
    kind: 'higher',
    description: 'A pre-authorized or run-as user holds an admin-grade permission, so a token reaches the whole org.',
    overrides,
    holds: (_context, app) => app !== null && hasElevatedPrincipal(app),
  };
}

/** The app relaxes IP restrictions. */
export function ipNotEnforced(overrides: CvssOverrides): RiskCondition {
  return {
    id: 'ip-not-enforced',
    kind: 'higher',
    description: 'The app relaxes IP restrictions, so a stolen credential works from any network.',
    overrides,
    holds: (_context, app) => app !== null && isIpRelaxed(app),
  };
}

/** The seed's low-risk pair: an IP allowlist and a private key in a KMS or HSM. */
export function kmsKeyAndIpAllowlist(overrides: CvssOverrides): RiskCondition {
  return {
    id: 'kms-key-and-ip-allowlist',
    kind: 'lower',
    description: 'The app enforces IP restrictions with trusted ranges and declares its private key held in a KMS or HSM.',
    overrides,
    holds: (_context, app) => app !== null && isIpAllowlisted(app) && isKeyInKms(app),
  };
}

/** The app enforces IP restrictions with trusted ranges. */
export function ipAllowlisted(overrides: CvssOverrides): RiskCondition {
  return {
    id: 'ip-allowlisted',
    kind: 'lower',
    description: 'The app enforces IP restrictions with trusted ranges, so a credential only works from known networks.',
    overrides,
    holds: (_context, app) => app !== null && isIpAllowlisted(app),
  };
}

/** The app still accepts a static secret. */
export function secretStillAccepted(overrides: CvssOverrides): RiskCondition {
  return {
    id: 'secret-still-accepted',
    kind: 'higher',
    description: 'The app still accepts a consumer secret or a password, which can be copied without trace.',
    overrides,
    holds: (_context, app) => app !== null && secretFlows(app).length > 0,
  };
}
