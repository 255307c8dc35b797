/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749
 * §2.3): exactly one method per request, chosen from what the request carries, and the org's
 * rule on which methods it accepts applied here, so that every endpoint applies it.
 */
import type { CredentialKind } from '../../domain/login-event.js';
import type { Org } from '../../domain/org.js';
import { InvalidClientError, InvalidRequestError } from '../errors/oauth-error.js';
import type { ClientRecord } from '../client-directory.js';
import type { ReplayGuard } from '../replay-guard.js';
import { authenticateWithPrivateKeyJwt, CLIENT_ASSERTION_TYPE, type PrivateKeyJwtDeps } from './private-key-jwt.js';
import { authenticateWithClientSecret, readBasicCredentials } from './client-secret.js';

/** Form parameters any client-authentication method may read. */
export const CLIENT_AUTH_PARAMETERS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const;

export interface AuthenticatedClient {
  readonly client: ClientRecord;
  readonly credential: CredentialKind;
  /** A client assertion's `jti`, not yet spent: the caller spends it once its own checks pass. */
  readonly replay: ReplayGuard | null;
}

export interface ClientAuthRequest {
  readonly params: ReadonlyMap<string, string>;
  readonly authorization: string | undefined;
  readonly now: number;
  /** Audiences a client assertion may name: the issuer and this endpoint. */
  readonly audiences: ReadonlySet<string>;
  /**
   * Told which app the request claims to be, as soon as it is found and before its credential
   * is checked, so that a failed attempt is still attributed to the app in the login history.
   */
  readonly identified?: (client: ClientRecord, credential: CredentialKind) => void;
}

/** Whether the request carries any client credential at all. */
export function hasClientCredentials(request: Pick<ClientAuthRequest, 'params' | 'authorization'>): boolean {
  return (
    request.authorization?.toLowerCase().startsWith('basic ') === true ||
    request.params.has('client_secret') ||
    request.params.has('client_assertion')
  );
}

/**
 * Authenticates the client, or throws `invalid_client` (401) with one body for every failure.
 * Two methods at once is `invalid_request` (RFC 6749 §2.3). While the org requires
 * certificates, a consumer secret is refused even when right ({@link requireSecretAccepted}).
 */
export async function authenticateClient(request: ClientAuthRequest, deps: PrivateKeyJwtDeps): Promise<AuthenticatedClient> {
  const basic = request.authorization?.toLowerCase().startsWith('basic ') === true;
  const methods = [basic, request.params.has('client_secret'), request.params.has('client_assertion')].filter(Boolean).length;
  if (methods > 1) throw new InvalidRequestError('use exactly one client authentication method', 'client_auth_multiple_methods');
  if (request.params.has('client_assertion')) {
    if (request.params.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new InvalidRequestError('client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'client_assertion_type_invalid');
    }
    const proved = await authenticateWithPrivateKeyJwt(request, deps, (c) => request.identified?.(c, 'client-assertion'));
    return { ...proved, credential: 'client-assertion' };
  }
  if (basic) {
    const credentials = readBasicCredentials(request.authorization!);
    // A client_id beside Basic credentials must name the same client, as it must beside a client assertion.
    const clientId = request.params.get('client_id');
    if (clientId !== undefined && clientId !== credentials.clientId) throw new InvalidClientError('client_id_mismatch', true);
    const client = await authenticateWithClientSecret(credentials, deps.directory, true, (c) => request.identified?.(c, 'client-secret'));
    requireSecretAccepted(deps.directory.org(), true);
    return { client, credential: 'client-secret', replay: null };
  }
  const clientId = request.params.get('client_id');
  const secret = request.params.get('client_secret');
  if (clientId !== undefined && secret !== undefined) {
    const client = await authenticateWithClientSecret({ clientId, secret }, deps.directory, false, (c) => request.identified?.(c, 'client-secret'));
    requireSecretAccepted(deps.directory.org(), false);
    return { client, credential: 'client-secret', replay: null };
  }
  if (request.authorization !== undefined) throw new InvalidClientError('client_auth_scheme_unsupported', true);
  throw new InvalidClientError('client_auth_missing');
}

/**
 * The org-wide rule `requireAsymmetricM2M`: while it is on, a consumer secret no longer proves
 * a client at any endpoint, and only a private_key_jwt assertion does (RFC 6749 §5.2: a method
 * the server does not accept is `invalid_client`). Checked after the secret, so that a right
 * secret gets the same response as a wrong one and only the login history tells them apart.
 */
function requireSecretAccepted(org: Pick<Org, 'requireAsymmetricM2M'>, basic: boolean): void {
  if (org.requireAsymmetricM2M) throw new InvalidClientError('org_requires_certificate', basic);
}
