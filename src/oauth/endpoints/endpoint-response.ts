/** An endpoint's answer, independent of the HTTP framework that sends it. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** What every endpoint reads from an HTTP request. */
export interface EndpointRequest {
  readonly method: string;
  readonly contentType: string | undefined;
  /** The raw body text, for form endpoints. */
  readonly body: string;
  readonly authorization: string | undefined;
  /** The client's address, after trusted-proxy handling. */
  readonly clientAddress: string;
  /** The URL the client addressed, e.g. https://id.example.com/services/oauth2/token. */
  readonly url: string;
  /** Query parameters (only where an endpoint reads them). */
  readonly query: URLSearchParams;
}
