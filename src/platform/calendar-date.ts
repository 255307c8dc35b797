/**
 * Whether a value starting `YYYY-MM-DD` names a day of the calendar. `Date.parse` takes
 * 2026-02-31 as 2026-03-03, which would move a time window by days without a word.
 */
export function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
