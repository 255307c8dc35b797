/**
 * The control catalogue: every review control, in the order the docs list them. A test keeps
 * this list and docs/controls/ in step.
 */
import type { Control } from '../engine/control.js';
import { asymmetricM2MRequired } from './asymmetric-m2m-required.js';
import { certificateHealth } from './certificate-health.js';
import { clientCredentialsConstrained } from './client-credentials-constrained.js';
import { consumerSecretRotation } from './consumer-secret-rotation.js';
import { dormantApp } from './dormant-app.js';
import { integrationUserLeastPrivilege } from './integration-user-least-privilege.js';
import { ipRelaxationEnforced } from './ip-relaxation-enforced.js';
import { jwtBearerEnabled } from './jwt-bearer-enabled.js';
import { permittedUsersAdminApproved } from './permitted-users-admin-approved.js';
import { requireJti } from './require-jti.js';
import { scopeLeastPrivilege } from './scope-least-privilege.js';
import { secretAuthenticationTraffic } from './secret-authentication-traffic.js';
import { sessionTimeout } from './session-timeout.js';
import { usernamePasswordDisabled } from './username-password-disabled.js';
// Controls for facts only Salesforce metadata holds (not applicable to Keygate's own sources).
import { metadataSecretsProtection } from './metadata-secrets-protection.js';
import { pkceRequired } from './pkce-required.js';
import { refreshTokenLifetime } from './refresh-token-lifetime.js';
import { refreshTokenRotation } from './refresh-token-rotation.js';
import { restApiSecretMasking } from './rest-api-secret-masking.js';
import { useAnyApiClient } from './use-any-api-client.js';

export const CONTROLS: readonly Control[] = [
  jwtBearerEnabled,
  clientCredentialsConstrained,
  usernamePasswordDisabled,
  scopeLeastPrivilege,
  permittedUsersAdminApproved,
  ipRelaxationEnforced,
  sessionTimeout,
  certificateHealth,
  integrationUserLeastPrivilege,
  consumerSecretRotation,
  requireJti,
  pkceRequired,
  refreshTokenRotation,
  refreshTokenLifetime,
  asymmetricM2MRequired,
  metadataSecretsProtection,
  restApiSecretMasking,
  useAnyApiClient,
  secretAuthenticationTraffic,
  dormantApp,
];

/** Control ids, in catalogue order. */
export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id);

/** Looks a control up by id. */
export function findControl(id: string): Control | undefined {
  return CONTROLS.find((c) => c.id === id);
}
