/** Presentation helpers shared by the admin commands: aligned tables, key/value blocks and choice options. */
import { CliError } from './cli-error.js';
import { printLine } from './output.js';

/** Prints rows under upper-case headers, columns padded to their widest cell. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  printLine(line(headers));
  for (const row of rows) printLine(line(row));
}

/** Prints `label: value` lines with the values aligned. */
export function printFields(fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) printLine(`${`${label}:`.padEnd(width)} ${value}`);
}

export function list(values: readonly string[]): string {
  return values.length === 0 ? '-' : values.join(', ');
}

/** Checks a value against a closed set; a wrong one is a usage error (exit 2). */
export function parseChoice<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if (!(choices as readonly string[]).includes(value)) throw new CliError(`${flag} must be one of ${choices.join(', ')}, not "${value}"`, 2);
  return value as T;
}
