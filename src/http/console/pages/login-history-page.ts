/** Login History: token requests and console sign-ins, filtered, paginated, exportable as CSV. */
import type { ExternalClientApp } from '../../../domain/app.js';
import type { LoginEvent } from '../../../domain/login-event.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime, layout, pill, selectField, textField } from '../layout.js';
import type { AdminChrome } from './app-pages.js';

/** The filter as the form carries it (strings), so that it round-trips into links. */
export interface HistoryQuery {
  readonly app: string;
  readonly user: string;
  readonly outcome: string;
  readonly from: string;
  readonly to: string;
  readonly page: number;
}

export function historyQueryString(query: HistoryQuery, overrides: Partial<HistoryQuery> = {}): string {
  const merged = { ...query, ...overrides };
  const params = new URLSearchParams();
  for (const key of ['app', 'user', 'outcome', 'from', 'to'] as const) if (merged[key]) params.set(key, merged[key]);
  if (merged.page > 1) params.set('page', String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function loginHistoryPage(options: {
  admin: AdminChrome;
  apps: readonly ExternalClientApp[];
  query: HistoryQuery;
  events: readonly LoginEvent[];
  total: number;
  pageSize: number;
  error?: string | null;
}): SafeHtml {
  const { query } = options;
  const pages = Math.max(1, Math.ceil(options.total / options.pageSize));
  const first = options.total === 0 ? 0 : (query.page - 1) * options.pageSize + 1;
  const last = Math.min(options.total, query.page * options.pageSize);
  return layout(
    { title: 'Login History', admin: options.admin, section: 'history', notice: options.error ? { kind: 'error', text: options.error } : null },
    html`<section class="card" aria-labelledby="filter-heading">
<h2 id="filter-heading">Filter</h2>
<form method="get" action="/console/login-history" class="filters">
${selectField({
  id: 'app',
  label: 'App',
  value: query.app,
  choices: [{ value: '', label: 'All apps' }, ...options.apps.map((a) => ({ value: a.id, label: a.name }))],
})}
${textField({ id: 'user', label: 'User', value: query.user })}
${selectField({
  id: 'outcome',
  label: 'Outcome',
  value: query.outcome,
  choices: [
    { value: '', label: 'Any' },
    { value: 'success', label: 'Success' },
    { value: 'failure', label: 'Failure' },
  ],
})}
${textField({ id: 'from', label: 'From (UTC)', type: 'datetime-local', value: query.from })}
${textField({ id: 'to', label: 'To (UTC)', type: 'datetime-local', value: query.to })}
<div class="field"><button type="submit">Filter</button></div>
</form>
</section>
<section class="card" aria-labelledby="events-heading">
<div class="card-head"><h2 id="events-heading">Events ${first}–${last} of ${options.total}</h2><a class="button secondary" href="/console/login-history.csv${historyQueryString(query, { page: 1 })}">Export CSV</a></div>
${
  options.events.length === 0
    ? html`<p>No events match.</p>`
    : html`<table><thead><tr><th scope="col">Time</th><th scope="col">App</th><th scope="col">User</th><th scope="col">Grant</th><th scope="col">Credential</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">Scope</th><th scope="col">Client address</th></tr></thead><tbody>${options.events.map(
        (e) => html`<tr><td>${formatTime(e.at)}</td><td>${e.appName ?? (e.grant === 'console' ? 'Console' : '')}</td><td>${e.username ?? ''}</td><td>${e.grant}</td><td>${e.credential}</td><td>${
          e.outcome === 'success' ? pill('ok', 'Success') : pill('bad', 'Failure')
        }</td><td><code>${e.reason}</code></td><td>${e.scope ?? ''}</td><td>${e.clientAddress}</td></tr>`,
      )}</tbody></table>`
}
<nav class="pager" aria-label="Pages">
${query.page > 1 ? html`<a href="/console/login-history${historyQueryString(query, { page: query.page - 1 })}" rel="prev">Previous page</a>` : ''}
<span>Page ${query.page} of ${pages}</span>
${query.page < pages ? html`<a href="/console/login-history${historyQueryString(query, { page: query.page + 1 })}" rel="next">Next page</a>` : ''}
</nav>
</section>`,
  );
}
