/**
 * The login history as CSV (RFC 4180), for spreadsheets and SIEM imports: one format, with the
 * admin API's field names, for the API's export and the console's. Cells that a spreadsheet
 * would run as a formula are prefixed with a quote (CWE-1236): usernames and app names come
 * from requests.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
import type { LoginEvent } from '../../domain/login-event.js';
import { LOGIN_EVENT_CSV_COLUMNS, toLoginEventDto } from './wire-mappers.js';

function cell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function loginHistoryCsvHeader(): string {
  return `${LOGIN_EVENT_CSV_COLUMNS.join(',')}\r\n`;
}

/** The rows of `events`, each ended by CRLF; appended to the header, chunk by chunk. */
export function loginHistoryCsvRows(events: readonly LoginEvent[]): string {
  let out = '';
  for (const event of events) {
    const dto = toLoginEventDto(event);
    out += `${LOGIN_EVENT_CSV_COLUMNS.map((column) => cell(dto[column])).join(',')}\r\n`;
  }
  return out;
}

export function renderLoginHistoryCsv(events: readonly LoginEvent[]): string {
  return loginHistoryCsvHeader() + loginHistoryCsvRows(events);
}
