/** Login History: the filtered, paginated table and its CSV export. */
import type { LoginHistoryFilter } from '../../domain/login-event.js';
import { isCalendarDate } from '../../platform/calendar-date.js';
import type { ConsoleDeps, ConsoleRouter } from './console-context.js';
import { loginHistoryCsvHeader, loginHistoryCsvRows } from '../admin-api/login-history-csv.js';
import { loginHistoryPage, type HistoryQuery } from './pages/login-history-page.js';

const PAGE_SIZE = 50;
const CSV_CHUNK = 1000;
/** The export is bounded; narrow the filter for more. */
const CSV_MAX_ROWS = 100_000;

function readQuery(raw: unknown): HistoryQuery {
  const q = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof q[key] === 'string' ? (q[key] as string).trim().slice(0, 200) : '');
  const page = Number.parseInt(text('page'), 10);
  return { app: text('app'), user: text('user'), outcome: text('outcome'), from: text('from'), to: text('to'), page: Number.isInteger(page) && page > 0 ? Math.min(page, 100_000) : 1 };
}

/** A `datetime-local` value read as UTC (the console shows every time in UTC). */
function parseUtc(value: string): Date | null | 'invalid' {
  if (!value) return null;
  // A day the calendar lacks (02-31) would otherwise roll into the next month.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) || !isCalendarDate(value)) return 'invalid';
  const at = new Date(`${value}Z`);
  return Number.isNaN(at.getTime()) ? 'invalid' : at;
}

function toFilter(query: HistoryQuery): { filter: LoginHistoryFilter; error: string | null } {
  const since = parseUtc(query.from);
  const until = parseUtc(query.to);
  const error = since === 'invalid' || until === 'invalid' ? 'The time filter was ignored: use the format 2025-01-31T13:45.' : null;
  const filter: LoginHistoryFilter = {
    ...(query.app && { appId: query.app }),
    ...(query.user && { username: query.user }),
    ...((query.outcome === 'success' || query.outcome === 'failure') && { outcome: query.outcome }),
    ...(since instanceof Date && { since }),
    ...(until instanceof Date && { until }),
  };
  return { filter, error };
}

export function registerHistoryRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  const { apps, history } = deps.services;

  router.page('/login-history', async ({ chrome, req }) => {
    const query = readQuery(req.query);
    const { filter, error } = toFilter(query);
    const [appList, result] = await Promise.all([
      apps.list(),
      history.queryLoginHistory({ ...filter, limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE }),
    ]);
    return loginHistoryPage({ admin: chrome, apps: appList, query, events: result.events, total: result.total, pageSize: PAGE_SIZE, error });
  });

  router.page('/login-history.csv', async ({ req, reply }) => {
    const { filter } = toFilter(readQuery(req.query));
    let body = loginHistoryCsvHeader();
    for (let offset = 0; offset < CSV_MAX_ROWS; offset += CSV_CHUNK) {
      const { events } = await history.queryLoginHistory({ ...filter, limit: CSV_CHUNK, offset });
      body += loginHistoryCsvRows(events);
      if (events.length < CSV_CHUNK) break;
    }
    const stamp = deps.clock.now().toISOString().slice(0, 10);
    reply
      .code(200)
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="keygate-login-history-${stamp}.csv"`)
      .send(body);
    return { sent: true } as const;
  });
}
