/**
 * Discovery: OAuth 2.0 Authorization Server Metadata (RFC 8414) at
 * `/.well-known/oauth-authorization-server`, the same document at
 * `/.well-known/openid-configuration`, and the JWK Set (RFC 7517) at `/id/keys`.
 */
import type { Org } from '../../domain/org.js';
import type { GrantRegistry } from '../grants/grant-registry.js';

export const PATHS = {
  token: '/services/oauth2/token',
  tokenAlias: '/oauth2/token',
  introspection: '/services/oauth2/introspect',
  revocation: '/services/oauth2/revoke',
  userinfo: '/services/oauth2/userinfo',
  jwks: '/id/keys',
} as const;

const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

export function authorizationServerMetadata(org: Org, grants: GrantRegistry): Record<string, unknown> {
  const base = org.baseUrl;
  return {
    issuer: base,
    token_endpoint: `${base}${PATHS.token}`,
    jwks_uri: `${base}${PATHS.jwks}`,
    introspection_endpoint: `${base}${PATHS.introspection}`,
    revocation_endpoint: `${base}${PATHS.revocation}`,
    userinfo_endpoint: `${base}${PATHS.userinfo}`,
    grant_types_supported: [...grants.keys()],
    // No authorization endpoint and no ID token: Keygate answers no response type and
    // advertises no ID-token algorithm, rather than promise what it does not do.
    response_types_supported: [],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    // RFC 8414 §2: each endpoint that lists private_key_jwt MUST list the algorithms it accepts;
    // all three verify a client assertion the same way.
    introspection_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    revocation_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    scopes_supported: ['api', 'refresh_token', 'openid', 'id', 'full', 'admin'],
    access_token_signing_alg_values_supported: ['ES256'],
  };
}
