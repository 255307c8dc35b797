/**
 * `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1). Secrets are kept only as
 * scrypt hashes and compared in constant time; an unknown client costs the same as a wrong
 * secret, so the two cannot be told apart by timing or by the response.
 */
import { verifySecret } from '../../platform/secrets.js';
import { InvalidClientError } from '../errors/oauth-error.js';
import type { ClientDirectory, ClientRecord } from '../client-directory.js';

/**
 * A fixed hash verified when the client (or, at the password grant, the user) is unknown or
 * holds no secret, to spend the same time as a real check.
 */
export const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function readBasicCredentials(authorization: string): { clientId: string; secret: string } {
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClientError('client_basic_malformed', true);
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    return { clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw new InvalidClientError('client_basic_malformed', true);
  }
}

export async function authenticateWithClientSecret(
  credentials: { clientId: string; secret: string },
  directory: ClientDirectory,
  triedAuthorizationHeader: boolean,
  identified?: (client: ClientRecord) => void,
): Promise<ClientRecord> {
  const client = directory.clientByConsumerKey(credentials.clientId);
  if (client) identified?.(client);
  const hash = client?.app.consumerSecretHash ?? null;
  const matches = await verifySecret(credentials.secret, hash ?? DECOY_HASH);
  if (!client) throw new InvalidClientError('client_unknown', triedAuthorizationHeader);
  if (hash === null || !matches) throw new InvalidClientError('client_secret_mismatch', triedAuthorizationHeader);
  return client;
}
