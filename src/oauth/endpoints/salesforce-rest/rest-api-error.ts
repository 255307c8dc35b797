/**
 * Errors of the Salesforce REST API surface (`/services/data/...`), in Salesforce's shape: a
 * JSON array of `{ message, errorCode }` (REST API Developer Guide, "Status Codes and Error
 * Responses"). Clients such as jsforce and the Salesforce CLI read `errorCode` and `message`.
 * Bearer-token failures are not rendered here: they keep RFC 6750's 401 and `WWW-Authenticate`.
 */
import type { EndpointResponse } from '../endpoint-response.js';

/** The Salesforce error codes this surface answers with; each one is Salesforce's own. */
export type RestApiErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_TYPE'
  | 'INVALID_FIELD'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_INPUT'
  | 'UNKNOWN_EXCEPTION';

const STATUS: Record<RestApiErrorCode, number> = {
  MALFORMED_QUERY: 400,
  INVALID_TYPE: 400,
  INVALID_FIELD: 400,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_EXCEPTION: 500,
};

export class RestApiError extends Error {
  readonly status: number;

  constructor(
    readonly errorCode: RestApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RestApiError';
    this.status = STATUS[errorCode];
  }
}

/** Salesforce's answer for a path, version or record that does not exist. */
export function notFound(): RestApiError {
  return new RestApiError('NOT_FOUND', 'The requested resource does not exist');
}

export const REST_JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

export function renderRestApiError(error: RestApiError, extraHeaders: Record<string, string> = {}): EndpointResponse {
  return {
    status: error.status,
    headers: { ...REST_JSON_HEADERS, ...extraHeaders },
    body: [{ message: error.message.replace(/[\r\n\t]/g, ' '), errorCode: error.errorCode }],
  };
}
