/**
 * Reading an `application/x-www-form-urlencoded` body (RFC 6749 §3.2 and Appendix B):
 * another content type, or a parameter sent twice, is `invalid_request` (RFC 6749 §3.1).
 */
import { InvalidRequestError } from '../errors/oauth-error.js';

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
