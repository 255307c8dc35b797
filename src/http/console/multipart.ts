/**
 * A small, strict multipart/form-data reader (RFC 7578) for the one form that uploads a file:
 * "Edit OAuth Settings" and its certificate. No multipart plugin is installed and the upload
 * is a PEM of a few kilobytes, so the whole body is bounded and read in memory: at most
 * {@link MULTIPART_LIMITS}.bodyBytes, a few dozen parts, one file part of limited size.
 * Anything unexpected (no boundary, a malformed part, too many parts) is refused.
 */
import { FormFields } from './forms.js';

export const MULTIPART_LIMITS = {
  bodyBytes: 64 * 1024,
  parts: 32,
  fileBytes: 32 * 1024,
  headerBytes: 1024,
} as const;

export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface MultipartForm {
  readonly fields: FormFields;
  /** File parts by field name; a file input left empty is absent. */
  readonly files: ReadonlyMap<string, UploadedFile>;
}

export class MultipartError extends Error {
  constructor(
    message: string,
    /** 400 for a malformed form, 413 for one over a size limit. */
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary parameter of a multipart/form-data content type (RFC 2046 §5.1.1). */
export function multipartBoundary(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError('the form is not multipart/form-data with a boundary');
  return boundary;
}

function parseDisposition(value: string): { name: string; filename: string | null } {
  if (!/^form-data\s*;/i.test(value)) throw new MultipartError('a part has no form-data disposition');
  const name = /;\s*name="([^"]*)"/i.exec(value)?.[1];
  if (name === undefined) throw new MultipartError('a part has no name');
  const filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? null;
  return { name, filename };
}

/** Reads a bounded multipart/form-data body. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartForm {
  if (body.length > MULTIPART_LIMITS.bodyBytes) throw new MultipartError('the form is too large', 413);
  const boundary = multipartBoundary(contentType);
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string[]>();
  const files = new Map<string, UploadedFile>();

  let position = body.indexOf(delimiter);
  if (position !== 0) throw new MultipartError('the form does not start with its boundary');
  let parts = 0;
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString('latin1') === '--') break; // close delimiter
    if (body.subarray(position, position + 2).toString('latin1') !== '\r\n') throw new MultipartError('malformed boundary line');
    position += 2;
    parts += 1;
    if (parts > MULTIPART_LIMITS.parts) throw new MultipartError('the form has too many parts', 413);

    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0 || headerEnd - position > MULTIPART_LIMITS.headerBytes) throw new MultipartError('malformed part headers');
    const headers = new Map<string, string>();
    for (const line of body.subarray(position, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MultipartError('malformed part header');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const contentStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), contentStart);
    if (next < 0) throw new MultipartError('a part is not terminated by the boundary');
    const content = body.subarray(contentStart, next);
    const { name, filename } = parseDisposition(headers.get('content-disposition') ?? '');

    if (filename !== null) {
      if (content.length > MULTIPART_LIMITS.fileBytes) throw new MultipartError(`the file "${filename}" is larger than ${MULTIPART_LIMITS.fileBytes / 1024} KiB`, 413);
      if (files.has(name)) throw new MultipartError(`more than one file for "${name}"`);
      // A file input left empty is sent as a part with an empty filename and no content.
      if (filename !== '' || content.length > 0) {
        files.set(name, { filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data: Buffer.from(content) });
      }
    } else {
      fields.set(name, [...(fields.get(name) ?? []), content.toString('utf8')]);
    }
    position = next + 2;
  }
  return { fields: new FormFields(fields), files };
}
