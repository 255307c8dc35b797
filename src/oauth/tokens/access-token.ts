/**
 * Access tokens: JWTs per RFC 9068 (`typ: at+jwt`, ES256, signed by the server key), or
 * opaque random strings resolved through the store, as the app chooses.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../../platform/secrets.js';
import { InvalidTokenError } from '../errors/oauth-error.js';
import { parseCompactJws, JwsParseError } from '../jws/parse-compact-jws.js';
import { signJws, verifyJwsSignature } from '../jws/jws-algorithms.js';
import type { OpaqueTokenRecord, OpaqueTokenWrite, TokenStore } from '../ports.js';
import type { SigningKeys } from './signing-keys.js';

/** What a valid access token stands for, whatever its format: the facts an opaque token's row holds. */
export type AccessTokenClaims = OpaqueTokenRecord;

export interface IssueRequest {
  readonly format: 'jwt' | 'opaque';
  readonly issuer: string;
  readonly orgId: string;
  readonly appId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scope: string;
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: number;
  /** For an opaque token, the row to store; null for a JWT, which carries its own claims. */
  readonly opaque: OpaqueTokenWrite | null;
}

const HEADER_CACHE = new Map<string, string>();

function encodedHeader(kid: string): string {
  let header = HEADER_CACHE.get(kid);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString('base64url');
    HEADER_CACHE.set(kid, header);
  }
  return header;
}

/** RFC 9068 §2.2 claims, plus `app_id` so that the token can be tied back to its app. */
interface JwtAccessTokenPayload {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  app_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
}

export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly store: TokenStore,
  ) {}

  /**
   * Mints a token. An opaque one comes with the row that makes it valid, which the caller
   * commits (with the request's other writes) before the token leaves.
   */
  issue(req: IssueRequest): IssuedAccessToken {
    const tokenId = randomUUID();
    const expiresAt = req.issuedAt + req.lifetimeSeconds;
    if (req.format === 'opaque') {
      // Salesforce session ids begin with the org id and "!": some clients parse it.
      const token = `${req.orgId}!${randomBytes(32).toString('base64url')}`;
      const record = { tokenId, appId: req.appId, userId: req.userId, scope: req.scope, issuedAt: req.issuedAt, expiresAt };
      return { token, tokenId, expiresAt, opaque: { tokenHash: sha256Hex(token), record } };
    }
    const payload: JwtAccessTokenPayload = {
      iss: req.issuer,
      sub: req.userId,
      aud: req.issuer,
      client_id: req.clientId,
      app_id: req.appId,
      scope: req.scope,
      jti: tokenId,
      iat: req.issuedAt,
      exp: expiresAt,
    };
    const key = this.keys.current;
    const input = `${encodedHeader(key.kid)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return { token: `${input}.${signJws('ES256', input, key.privateKey)}`, tokenId, expiresAt, opaque: null };
  }

  /**
   * Resolves a presented token to its claims, or throws {@link InvalidTokenError} for one that
   * is malformed, tampered, signed by an unknown key, of the wrong type, expired or revoked.
   */
  async verify(token: string, options: { issuer: string; now: number }): Promise<AccessTokenClaims> {
    const claims = await this.resolve(token, options);
    if (await this.store.isRevoked(claims.tokenId)) throw new InvalidTokenError('the access token has been revoked', 'token_revoked');
    return claims;
  }

  /**
   * Like {@link verify}, without asking whether the token was revoked: for the revocation
   * endpoint, which writes the mark again whatever the list says, so that a revocation retried
   * after a partial failure completes instead of trusting the half it finds.
   */
  async resolve(token: string, options: { issuer: string; now: number }): Promise<AccessTokenClaims> {
    const claims = token.includes('.') ? this.#verifyJwt(token, options.issuer) : await this.#lookupOpaque(token);
    if (claims.expiresAt <= options.now) throw new InvalidTokenError('the access token has expired', 'token_expired');
    return claims;
  }

  /** Adds the token to the revocation list until it would have expired anyway. */
  revoke(claims: AccessTokenClaims): Promise<void> {
    return this.store.revoke(claims.tokenId, claims.appId, claims.expiresAt);
  }

  #verifyJwt(token: string, issuer: string): AccessTokenClaims {
    const invalid = (reason: string) => new InvalidTokenError('the access token is invalid', reason);
    let jws;
    try {
      jws = parseCompactJws(token, 8192);
    } catch (err) {
      if (err instanceof JwsParseError) throw invalid(`token_${err.failure}`);
      throw err;
    }
    const { header, payload } = jws;
    if (header.typ !== 'at+jwt' || header.alg !== 'ES256' || typeof header.kid !== 'string') throw invalid('token_wrong_type');
    const key = this.keys.byKid.get(header.kid);
    if (!key || !verifyJwsSignature('ES256', jws.signingInput, jws.signature, key.publicKey)) throw invalid('token_signature_invalid');
    const p = payload as Partial<JwtAccessTokenPayload>;
    if (
      p.iss !== issuer ||
      typeof p.sub !== 'string' ||
      typeof p.jti !== 'string' ||
      typeof p.client_id !== 'string' ||
      typeof p.app_id !== 'string' ||
      typeof p.scope !== 'string' ||
      typeof p.iat !== 'number' ||
      typeof p.exp !== 'number'
    ) {
      throw invalid('token_claims_invalid');
    }
    return { tokenId: p.jti, appId: p.app_id, userId: p.sub, scope: p.scope, issuedAt: p.iat, expiresAt: p.exp };
  }

  async #lookupOpaque(token: string): Promise<AccessTokenClaims> {
    if (token.length > 512) throw new InvalidTokenError('the access token is invalid', 'token_unknown');
    const record = await this.store.findOpaque(sha256Hex(token));
    if (!record) throw new InvalidTokenError('the access token is invalid', 'token_unknown');
    return record;
  }
}
