/**
 * A `fetch` that presents the access token as a bearer credential (RFC 6750 §2.1) and, when the
 * resource server answers 401 (RFC 6750 §3.1 `invalid_token`, or Salesforce's
 * `INVALID_SESSION_ID`), renews the token once and retries once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
import type { JwtBearerClient } from './create-jwt-bearer-client.js';
import type { FetchFunction } from './request-token.js';

/** Anything that hands out and forgets tokens; a {@link JwtBearerClient} fits. */
export type TokenSource = Pick<JwtBearerClient, 'getToken' | 'invalidate'>;

/** Options of {@link createAuthorizedFetch}. */
export interface AuthorizedFetchOptions {
  /** The underlying `fetch`; the global one unless given. */
  readonly fetch?: FetchFunction;
}

/** A body that can be read only once, so the request cannot be sent a second time. */
function isOneShotBody(body: RequestInit['body']): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body instanceof ReadableStream || Symbol.asyncIterator in body)
  );
}

/**
 * Wraps `fetch` so every request carries `Authorization: Bearer <access_token>` from `client`.
 * On a 401 it calls `client.invalidate(token)`, gets a new token and sends the request once more;
 * a second 401 is returned to the caller as is. Requests whose body is a stream are not resent:
 * their first 401 is returned.
 *
 * @example
 * ```ts
 * const api = createAuthorizedFetch(client);
 * const { instance_url } = await client.getToken();
 * const res = await api(`${instance_url}/services/data`);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function createAuthorizedFetch(client: TokenSource, options: AuthorizedFetchOptions = {}): FetchFunction {
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const send = async (input: string | URL | Request, init: RequestInit | undefined, accessToken: string) => {
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    headers.set('authorization', `Bearer ${accessToken}`);
    // Clone a Request so its body is still unread if it has to be sent again.
    return fetchFunction(input instanceof Request ? input.clone() : input, { ...init, headers });
  };

  return async (input, init) => {
    const first = await client.getToken();
    const response = await send(input, init, first.access_token);
    if (response.status !== 401 || isOneShotBody(init?.body)) return response;

    client.invalidate(first.access_token);
    const renewed = await client.getToken();
    // Free the connection held by the refused response before sending again.
    await response.body?.cancel().catch(() => undefined);
    return send(input, init, renewed.access_token);
  };
}
