/**
 * `private_key_jwt` (RFC 7523 §2.2 and §3, OpenID Connect Core §9): the client signs a short
 * assertion about itself with a key whose certificate is on the app. Every failure is
 * `invalid_client`; the assertion's `jti` is single-use, and the caller spends it (see
 * {@link ReplayGuard}) once its own checks have passed.
 */
import type { Clock } from '../../platform/clock.js';
import { InvalidClientError } from '../errors/oauth-error.js';
import type { ClientDirectory, ClientRecord } from '../client-directory.js';
import { checkJwsHeader } from '../jws/check-jws-header.js';
import { parseCompactJws } from '../jws/parse-compact-jws.js';
import { verifyWithClientKeys } from '../jws/verify-with-client-keys.js';
import type { OAuthOptions } from '../options.js';
import type { ReplayGuard } from '../replay-guard.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const CLIENT_ASSERTION_TYPES = ['jwt', 'client-authentication+jwt'];

export interface PrivateKeyJwtDeps {
  readonly directory: ClientDirectory;
  readonly clock: Clock;
  readonly options: OAuthOptions;
}

const fail = (reason: string) => new InvalidClientError(reason);

/** The app the assertion proved to be, and the `jti` it has yet to spend. */
export interface PrivateKeyJwtClient {
  readonly client: ClientRecord;
  readonly replay: ReplayGuard;
}

export async function authenticateWithPrivateKeyJwt(
  request: { params: ReadonlyMap<string, string>; now: number; audiences: ReadonlySet<string> },
  deps: PrivateKeyJwtDeps,
  identified?: (client: ClientRecord) => void,
): Promise<PrivateKeyJwtClient> {
  const assertion = request.params.get('client_assertion')!;
  let jws;
  try {
    jws = parseCompactJws(assertion, deps.options.maxAssertionBytes);
  } catch {
    throw fail('client_assertion_malformed');
  }
  const header = checkJwsHeader(jws.header, CLIENT_ASSERTION_TYPES, fail);
  const { iss, sub, aud, exp, nbf, iat, jti } = jws.payload;
  if (typeof iss !== 'string' || iss !== sub) throw fail('client_assertion_iss_sub_mismatch');
  const clientId = request.params.get('client_id');
  if (clientId !== undefined && clientId !== iss) throw fail('client_assertion_client_id_mismatch');
  const client = deps.directory.clientByConsumerKey(iss);
  if (!client) throw fail('client_unknown');
  identified?.(client);
  verifyWithClientKeys(jws, header, client, deps.clock.now(), fail);

  const audience = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (typeof audience !== 'string' || !request.audiences.has(audience)) throw fail('client_assertion_aud');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw fail('client_assertion_exp_missing');
  if (exp <= request.now) throw fail('client_assertion_expired');
  if (exp > request.now + deps.options.clientAssertionMaxLifetimeSeconds) throw fail('client_assertion_exp_too_far');
  // RFC 7523 §3 item 5: a JWT MUST NOT be accepted before its nbf; iat follows the grant's rule (step 5).
  const notLaterThan = request.now + deps.directory.org().clockSkewSeconds;
  if (nbf !== undefined && (typeof nbf !== 'number' || !(nbf <= notLaterThan))) throw fail('client_assertion_nbf_in_future');
  if (iat !== undefined && (typeof iat !== 'number' || !(iat <= notLaterThan))) throw fail('client_assertion_iat_in_future');
  if (typeof jti !== 'string' || jti === '' || jti.length > deps.options.maxJtiLength) throw fail('client_assertion_jti_invalid');
  return {
    client,
    replay: {
      claim: { namespace: client.app.id, key: `client-assertion:${jti}`, expiresAtSeconds: Math.ceil(exp) },
      refusal: () => fail('client_assertion_replayed'),
    },
  };
}
