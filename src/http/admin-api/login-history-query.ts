/**
 * The query string of `GET /admin/api/v1/login-history`: filters, paging and the output format,
 * checked strictly so that a misspelt filter is refused rather than silently ignored.
 */
import { z } from 'zod';
import { AdminError } from '../../admin/admin-errors.js';
import { parseInput } from '../../admin/inputs.js';
import { isCalendarDate } from '../../platform/calendar-date.js';

export const LOGIN_HISTORY_MAX_LIMIT = 1000;
export const LOGIN_HISTORY_DEFAULT_LIMIT = 100;

/**
 * A time of day needs its offset (RFC 3339 §5.6 makes it part of a date-time): without one,
 * `Date.parse` reads it in the server's own time zone, so the same query would select other rows
 * on another server. A bare date is midnight UTC.
 */
const dateTime = z
  .string()
  .refine((v) => !/^\d{4}-\d{2}-\d{2}[T ][\d:.]+$/.test(v), {
    message: 'needs a time-zone offset, such as 2025-01-31T12:00:00Z or 2025-01-31T13:00:00+01:00: a time without one would be read in the server\'s own time zone',
  })
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(v) && isCalendarDate(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z, or a date',
  })
  .transform((v) => new Date(v));

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const LoginHistoryQuery = z.strictObject({
  /** App id or name. */
  app: z.string().min(1).optional(),
  /** User id or username. */
  user: z.string().min(1).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  grant: z.enum(['jwt-bearer', 'client-credentials', 'password', 'console', 'unknown']).optional(),
  since: dateTime.optional(),
  until: dateTime.optional(),
  limit: wholeNumber(1, LOGIN_HISTORY_MAX_LIMIT).default(LOGIN_HISTORY_DEFAULT_LIMIT),
  offset: wholeNumber(0, 1_000_000_000).default(0),
  format: z.enum(['json', 'csv']).optional(),
});
export type LoginHistoryQuery = z.output<typeof LoginHistoryQuery>;

/** Parses the query; a repeated parameter is refused, as is `since` after `until`. */
export function parseLoginHistoryQuery(query: Record<string, unknown>): LoginHistoryQuery {
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new AdminError('validation_failed', `${name}: must be given once`, name);
  }
  const parsed = parseInput(LoginHistoryQuery, query);
  if (parsed.since && parsed.until && parsed.since.getTime() > parsed.until.getTime()) {
    throw new AdminError('validation_failed', 'since: must not be after until', 'since');
  }
  return parsed;
}
