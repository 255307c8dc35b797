/**
 * Builds and signs an RFC 7523 assertion: a JWT whose `iss`, `sub`, `aud`, `exp`, `iat` and
 * `jti` are the claims of RFC 7523 §3, signed as a compact JWS (RFC 7515 §7.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
import { randomUUID } from 'node:crypto';
import { CompactSign, base64url } from 'jose';
import { type ClientClock, systemClientClock } from './client-clock.js';
import { AssertionSigningError } from './errors.js';
import { type AssertionKey, type ResolvedKey, type SigningAlgorithm, resolveSigningKey } from './signing-key.js';

/** Default assertion lifetime: Salesforce documents that `exp` must be within 3 minutes. */
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 180;

/** JOSE-format signature lengths of the ECDSA and EdDSA algorithms (RFC 7518 §3.4, RFC 8037 §3.1). */
const FIXED_SIGNATURE_LENGTH: Partial<Record<SigningAlgorithm, number>> = {
  ES256: 64,
  ES384: 96,
  ES512: 132,
  EdDSA: 64,
};

/** Input of {@link signAssertion}. */
export interface SignAssertionOptions {
  /** `iss`: for the JWT Bearer grant, the app's consumer key (client id). */
  readonly issuer: string;
  /** `sub`: for the JWT Bearer grant, the username; for client authentication, the client id. */
  readonly subject: string;
  /** `aud`: the authorization server (e.g. `https://login.salesforce.com`) or its token endpoint URL. */
  readonly audience: string;
  readonly key: AssertionKey;
  /** Overrides the algorithm the key implies, e.g. `PS256` for an RSA key. */
  readonly alg?: SigningAlgorithm;
  /** `kid` header, letting the server pick the matching certificate. */
  readonly kid?: string;
  /** `typ` header; `JWT` unless set (RFC 8725 §3.11 explicit typing). */
  readonly typ?: string;
  /** Seconds from `iat` to `exp`; default 180. */
  readonly lifetimeSeconds?: number;
  readonly clock?: ClientClock;
}

/**
 * Signs a JWT for RFC 7523: header `{alg, typ: "JWT", kid?}`, claims `iss`, `sub`, `aud`, `exp`
 * (`iat` + `lifetimeSeconds`), `iat` and a fresh random `jti`. Returns the compact JWS, ready to
 * post as `assertion` (or `client_assertion`).
 *
 * With an {@link AssertionSigner} callback the JWS is assembled here and only the signing input
 * is handed to the callback; its output is checked to be in JOSE format.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export async function signAssertion(options: SignAssertionOptions): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new RangeError('lifetimeSeconds must be a positive whole number of seconds');
  }
  for (const [name, value] of [
    ['issuer', options.issuer],
    ['subject', options.subject],
    ['audience', options.audience],
  ] as const) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  }
  const resolved = resolveSigningKey(options.key, options.alg);
  const iat = Math.floor((options.clock ?? systemClientClock).now().getTime() / 1000);
  const header: Record<string, string> = { alg: resolved.alg, typ: options.typ ?? 'JWT' };
  if (options.kid !== undefined) header.kid = options.kid;
  const claims = {
    iss: options.issuer,
    sub: options.subject,
    aud: options.audience,
    exp: iat + lifetime,
    iat,
    jti: randomUUID(),
  };
  return signCompact(resolved, header, new TextEncoder().encode(JSON.stringify(claims)));
}

async function signCompact(key: ResolvedKey, header: Record<string, string>, payload: Uint8Array): Promise<string> {
  if (key.kind === 'key-object') {
    const jws = new CompactSign(payload).setProtectedHeader({ ...header, alg: key.alg });
    try {
      return await jws.sign(key.keyObject);
    } catch (cause) {
      throw new AssertionSigningError(`could not sign with the ${key.alg} key`, { cause });
    }
  }
  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(payload)}`;
  let signature: Uint8Array;
  try {
    signature = await key.signer.sign(new TextEncoder().encode(signingInput));
  } catch (cause) {
    throw new AssertionSigningError('the signer callback failed', { cause });
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0) {
    throw new AssertionSigningError('the signer callback must resolve to a non-empty Uint8Array');
  }
  const expected = FIXED_SIGNATURE_LENGTH[key.alg];
  if (expected !== undefined && signature.length !== expected) {
    const hint = signature[0] === 0x30 && key.alg !== 'EdDSA' ? ' (it looks like DER: convert it with derToJoseSignature)' : '';
    throw new AssertionSigningError(
      `the signer returned ${signature.length} bytes; ${key.alg} needs ${expected} bytes in JOSE format${hint}`,
    );
  }
  return `${signingInput}.${base64url.encode(signature)}`;
}
