/**
 * Errors of the admin services, with stable codes. The admin API renders them as
 * problem+json (RFC 9457), the console as a message beside the form, the CLI as one line.
 */
export type AdminErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'certificate_rejected'
  | 'certificate_required'
  | 'unauthorized'
  | 'forbidden';

const STATUS: Record<AdminErrorCode, number> = {
  validation_failed: 422,
  not_found: 404,
  conflict: 409,
  certificate_rejected: 422,
  certificate_required: 409,
  unauthorized: 401,
  forbidden: 403,
};

const TITLE: Record<AdminErrorCode, string> = {
  validation_failed: 'The request is not valid',
  not_found: 'Not found',
  conflict: 'Conflicts with the current state',
  certificate_rejected: 'The certificate was refused',
  certificate_required: 'A valid certificate is required',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
};

export class AdminError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: AdminErrorCode,
    /** Safe to show: names the setting and what is wrong, never a secret. */
    readonly detail: string,
    /** Dotted path of the offending field, for validation errors. */
    readonly field?: string,
  ) {
    super(detail);
    this.name = 'AdminError';
    this.status = STATUS[code];
    this.title = TITLE[code];
  }
}

export const ADMIN_ERROR_CODES = Object.keys(STATUS) as AdminErrorCode[];
