/**
 * The login history as CSV (RFC 4180), for spreadsheets and SIEM imports. Cells that a
 * spreadsheet would run as a formula are prefixed with a quote (CWE-1236): usernames and app
 * names come from requests.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
import { LOGIN_EVENT_CSV_COLUMNS, type LoginEventDto } from './wire-mappers.js';

function cell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderLoginHistoryCsv(events: readonly LoginEventDto[]): string {
  const lines = [LOGIN_EVENT_CSV_COLUMNS.join(',')];
  for (const event of events) lines.push(LOGIN_EVENT_CSV_COLUMNS.map((column) => cell(event[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
