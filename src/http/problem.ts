/** Problem Details (RFC 9457) for the admin API and every non-OAuth error. */
import { AdminError } from '../admin/admin-errors.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly field?: string;
}

/** A backing store cannot be reached: the admin API's and every non-OAuth route's answer (503). */
export const STORE_OUTAGE_PROBLEM: Problem = {
  type: 'https://keygate.dev/problems/temporarily_unavailable',
  title: 'Temporarily unavailable',
  status: 503,
  detail: 'a backing store cannot be reached; retry later',
  code: 'temporarily_unavailable',
};

/** Renders an error as problem+json; an unexpected error reveals nothing of its cause. */
export function renderProblem(error: unknown, status: number): Problem {
  if (error instanceof AdminError) {
    return {
      type: `https://keygate.dev/problems/${error.code}`,
      title: error.title,
      status: error.status,
      detail: error.detail,
      code: error.code,
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  if (status >= 400 && status < 500) {
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return { type: `https://keygate.dev/problems/${code}`, title: 'The request is not valid', status, detail: 'the request could not be read', code };
  }
  return {
    type: 'https://keygate.dev/problems/internal_error',
    title: 'Internal error',
    status: 500,
    detail: 'the server could not complete the request; the details are in its log',
    code: 'internal_error',
  };
}
