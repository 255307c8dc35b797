/**
 * The JWT Bearer grant: RFC 7523 §2.1 and §3, in the order of docs/jwt-bearer.md. Nothing
 * about users is looked at before the signature holds, and a `jti` is spent only after every
 * other check passed (by the token endpoint, in the commit that records the token), so that a
 * rejected request never burns one.
 */
import { sha256Hex } from '../../../platform/secrets.js';
import { InvalidClientIdError, InvalidGrantError, InvalidRequestError, invalidAssertion } from '../../errors/oauth-error.js';
import { checkNetworkPolicy, checkPermittedUser, checkUserStanding, resolveScope } from '../../access-policy.js';
import type { ClientDirectory, ClientRecord, UserRecord } from '../../client-directory.js';
import { checkJwsHeader } from '../../jws/check-jws-header.js';
import { JwsParseError, parseCompactJws, type CompactJws } from '../../jws/parse-compact-jws.js';
import { validKeys, verifyWithClientKeys } from '../../jws/verify-with-client-keys.js';
import { CLIENT_AUTH_PARAMETERS, hasClientCredentials } from '../../client-auth/client-authentication.js';
import type { PrivateKeyJwtDeps } from '../../client-auth/private-key-jwt.js';
import type { ReplayStore } from '../../ports.js';
import type { AccessTokens } from '../../tokens/access-token.js';
import { issueTokenResponse } from '../../tokens/token-response.js';
import { spendNow, type ReplayGuard } from '../../replay-guard.js';
import { authenticateGrantClient } from '../authenticate-grant-client.js';
import { type Grant, recordUserOn, type TokenRequest } from '../grant.js';
import { acceptedAudiences, checkAudience, checkTimes, replayKey, subjectOf } from './assertion-claims.js';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Assertion `typ` values accepted (RFC 8725 §3.11), lower-cased and without "application/". */
const ASSERTION_TYPES = ['jwt'];

export interface JwtBearerDeps extends PrivateKeyJwtDeps {
  readonly tokens: AccessTokens;
  /** Spends the `jti` of a client assertion sent beside the grant. */
  readonly replay: ReplayStore;
}

interface Validated {
  readonly client: ClientRecord;
  readonly user: UserRecord;
  readonly scope: string;
  readonly replay: ReplayGuard;
}

/** Step 1: three strict segments, JSON-object header and payload, bounded size. */
function parseAssertion(assertion: string, maxBytes: number): CompactJws {
  try {
    return parseCompactJws(assertion, maxBytes);
  } catch (err) {
    if (err instanceof JwsParseError) throw invalidAssertion(`malformed_${err.failure}`);
    throw err;
  }
}

/** Step 3: `iss` names an app whose JWT Bearer flow is on and that holds a currently valid certificate. */
function resolveIssuer(payload: Readonly<Record<string, unknown>>, directory: ClientDirectory, now: Date, request: TokenRequest): ClientRecord {
  const { iss } = payload;
  if (typeof iss !== 'string' || iss === '') throw invalidAssertion('iss_not_string');
  const client = directory.clientByConsumerKey(iss);
  if (!client) throw new InvalidClientIdError('client_unknown');
  request.trail.appId = client.app.id;
  request.trail.appName = client.app.name;
  if (!client.app.flows.jwtBearer) throw invalidAssertion('flow_disabled');
  if (validKeys(client, now).length === 0) throw invalidAssertion('no_valid_certificate');
  return client;
}

/**
 * The assertion must be the grant of the client the request authenticated as, or names in
 * `client_id`: RFC 6749 §5.2 refuses a grant "issued to another client".
 */
function checkSameClient(client: ClientRecord, requestClientId: string | undefined): void {
  if (requestClientId !== undefined && requestClientId !== client.app.consumerKey) {
    throw new InvalidGrantError('the assertion was issued to another client', 'assertion_of_another_client');
  }
}

export function createJwtBearerGrant(deps: JwtBearerDeps): Grant<Validated> {
  const { directory, tokens, clock, options } = deps;
  return {
    grantType: JWT_BEARER_GRANT_TYPE,
    parameters: ['assertion', 'scope', ...CLIENT_AUTH_PARAMETERS],
    loginGrant: 'jwt-bearer',

    async validate(request) {
      const assertion = request.params.get('assertion');
      // A missing parameter is a malformed request, not a bad grant (RFC 6749 §5.2; rules, "Request").
      if (assertion === undefined) throw new InvalidRequestError('assertion is required', 'assertion_missing');
      // The assertion identifies the app, so client authentication is optional (RFC 7521 §4.1);
      // credentials a request does include are checked, never ignored (RFC 6749 §3.2.1).
      const authenticated = hasClientCredentials(request) ? await authenticateGrantClient(request, deps) : null;
      request.trail.credential = 'assertion';
      const now = clock.now();
      const jws = parseAssertion(assertion, options.maxAssertionBytes);
      const header = checkJwsHeader(jws.header, ASSERTION_TYPES);
      const client = resolveIssuer(jws.payload, directory, now, request);
      const key = verifyWithClientKeys(jws, header, client, now);
      request.trail.certificateFingerprint = key.certificate.fingerprintSha256;
      checkSameClient(client, authenticated?.client.app.consumerKey ?? request.params.get('client_id'));

      const { effectiveExp } = checkTimes(jws.payload, request.org, request.now, client.app.assertionProfile);
      checkAudience(jws.payload, acceptedAudiences(request.org));
      const username = subjectOf(jws.payload);
      request.trail.username = username;
      const user = checkUserStanding(directory.userByUsername(username));
      recordUserOn(request.trail, user);
      checkPermittedUser(client, user);
      checkNetworkPolicy(client, user, request.clientAddress);
      const scope = resolveScope(client, request.params.get('scope'));

      const jtiRequired = client.app.requireJti && client.app.assertionProfile === 'strict';
      const replayId = replayKey(jws.payload, jws.signingInput, jtiRequired, options.maxJtiLength);
      // The history keeps a hash of the jti itself; an assertion without one leaves it empty.
      request.trail.jtiHash = replayId.startsWith('jti:') ? sha256Hex(replayId.slice(4)) : null;
      const claim = { namespace: client.app.id, key: replayId, expiresAtSeconds: effectiveExp + request.org.clockSkewSeconds };
      // A client assertion beside the grant is spent once every check has passed.
      if (authenticated?.replay) await spendNow(deps.replay, authenticated.replay);
      return { client, user, scope, replay: { claim, refusal: () => invalidAssertion('jti_replayed') } };
    },

    issue({ client, user, scope }, request) {
      return issueTokenResponse(tokens, { org: request.org, client, user, scope, now: request.now });
    },
  };
}
