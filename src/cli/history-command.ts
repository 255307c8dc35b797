/**
 * `keygate history`: the login history through the admin API, newest first, as a table, JSON
 * or CSV. `--since` takes an RFC 3339 time or a duration back from now (`30m`, `12h`, `7d`).
 */
import type { Command } from 'commander';
import { isCalendarDate } from '../platform/calendar-date.js';
import { addConnectionOptions, connectAdmin, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { parseChoice, printTable } from './cli-format.js';
import { printJson, printLine } from './output.js';
import { parsePositiveInt } from './parse.js';
import type { LoginEventDto } from '../http/admin-api/wire-mappers.js';

interface HistoryOptions extends ConnectionOptions {
  app?: string;
  user?: string;
  outcome?: string;
  grant?: string;
  since?: string;
  until?: string;
  limit: string;
  offset?: string;
  format: string;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An RFC 3339 time, a date, or a duration back from now; returned as RFC 3339. */
export function parseTime(value: string, flag: string, now = Date.now()): string {
  const relative = /^(\d{1,6})([smhd])$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2]!]!).toISOString();
  // As the admin API does: a time without an offset would be read in this machine's time zone.
  if (/^\d{4}-\d{2}-\d{2}[T ][\d:.]+$/.test(value)) {
    throw new CliError(`${flag} needs a time-zone offset (2025-01-31T12:00:00Z or 2025-01-31T13:00:00+01:00); not "${value}"`, 2);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && isCalendarDate(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new CliError(`${flag} must be an RFC 3339 time (2025-01-31T12:00:00Z), a date, or a duration such as 30m, 12h, 7d; not "${value}"`, 2);
}

/** `--since` and `--until` as RFC 3339 times; a window that ends before it starts is a bad filter (exit 2). */
export function parseWindow(since: string | undefined, until: string | undefined, now = Date.now()): { since?: string; until?: string } {
  const window = {
    ...(since !== undefined && { since: parseTime(since, '--since', now) }),
    ...(until !== undefined && { until: parseTime(until, '--until', now) }),
  };
  if (window.since !== undefined && window.until !== undefined && window.since > window.until) {
    throw new CliError(`--since (${window.since}) must not be after --until (${window.until})`, 2);
  }
  return window;
}

export function registerHistoryCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('history')
      .description('show the login history: every token request, newest first')
      .option('--app <app>', 'only this app (name or id)')
      .option('--user <user>', 'only this user (username or id)')
      .option('--outcome <outcome>', 'success or failure')
      .option('--grant <grant>', 'jwt-bearer, client-credentials, password, console or unknown')
      .option('--since <time>', 'rows at or after this time (RFC 3339, or a duration back: 30m, 12h, 7d)')
      .option('--until <time>', 'rows before this time')
      .option('--limit <n>', 'rows to show (at most 1000)', '50')
      .option('--offset <n>', 'rows to skip')
      .option('--format <format>', 'table, json or csv', 'table'),
  ).action(async (opts: HistoryOptions) => {
    const format = parseChoice(opts.format, ['table', 'json', 'csv'], '--format');
    const query = new URLSearchParams();
    if (opts.app !== undefined) query.set('app', opts.app);
    if (opts.user !== undefined) query.set('user', opts.user);
    if (opts.outcome !== undefined) query.set('outcome', parseChoice(opts.outcome, ['success', 'failure'], '--outcome'));
    if (opts.grant !== undefined) query.set('grant', parseChoice(opts.grant, ['jwt-bearer', 'client-credentials', 'password', 'console', 'unknown'], '--grant'));
    const { since, until } = parseWindow(opts.since, opts.until);
    if (since !== undefined) query.set('since', since);
    if (until !== undefined) query.set('until', until);
    const limit = parsePositiveInt(opts.limit, '--limit');
    if (limit > 1000) throw new CliError('--limit must be at most 1000', 2);
    query.set('limit', String(limit));
    if (opts.offset !== undefined && opts.offset !== '0') query.set('offset', String(parsePositiveInt(opts.offset, '--offset')));

    const admin = await connectAdmin(opts);
    if (format === 'csv') {
      process.stdout.write(await admin.requestText('GET', `/login-history?${query}`, 'text/csv'));
      return;
    }
    const page = await admin.request<{ items: LoginEventDto[]; total: number; offset: number }>('GET', `/login-history?${query}`);
    if (format === 'json') return printJson(page);
    if (page.items.length === 0) return printLine('no matching login history');
    printTable(
      ['TIME', 'OUTCOME', 'GRANT', 'APP', 'USER', 'ADDRESS', 'ERROR', 'REASON', 'SCOPE'],
      page.items.map((e) => [e.at, e.outcome, e.grant, e.appName ?? '-', e.username ?? '-', e.clientAddress, e.errorCode ?? '-', e.reason, e.scope ?? '-']),
    );
    if (page.total > page.offset + page.items.length) printLine(`(${page.items.length} of ${page.total}; use --limit and --offset for more)`);
  });
}
