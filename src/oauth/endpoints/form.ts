/**
 * Reading an `application/x-www-form-urlencoded` body (RFC 6749 §3.2 and Appendix B):
 * another content type, or a parameter sent twice, is `invalid_request` (RFC 6749 §3.1).
 */
import { InvalidRequestError } from '../errors/oauth-error.js';

/** The token, introspection and revocation endpoints take POST only (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1). */
export function requirePost(method: string, endpoint: 'token' | 'introspection' | 'revocation'): void {
  if (method !== 'POST') throw new InvalidRequestError(`the ${endpoint} endpoint accepts POST only`, 'method_not_post');
}

/** RFC 7662 §2.1 and RFC 7009 §2.1: `token` is required. */
export function requireToken(params: Map<string, string>): string {
  const token = params.get('token');
  if (token === undefined) throw new InvalidRequestError('token is required', 'token_missing');
  return token;
}

export function requireFormBody(contentType: string | undefined): void {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequestError('the body must be application/x-www-form-urlencoded', 'content_type_not_form');
  }
}

/** Parses the form, refusing repeated parameters; empty values count as absent (RFC 6749 §3.1). */
export function parseForm(body: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (params.has(name)) throw new InvalidRequestError(`parameter ${safeName(name)} was given more than once`, 'duplicate_parameter');
    params.set(name, value);
  }
  for (const [name, value] of params) if (value === '') params.delete(name);
  return params;
}

/** A parameter name fit to echo: short and plain, or nothing. */
function safeName(name: string): string {
  return /^[a-z_]{1,40}$/.test(name) ? name : '(unnamed)';
}
