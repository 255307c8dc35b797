/**
 * `keygate history --since/--until` (docs/cli.md): an RFC 3339 time, a date, or a duration back
 * from now; anything else is a usage error (exit 2) before any request. The admin API refuses a
 * day the calendar lacks, and the CLI, which sends the time it parsed, must not move it first.
 */
import { describe, expect, it } from 'vitest';
import { parseTime, parseWindow } from '../../src/cli/history-command.js';
import { CliError } from '../../src/cli/cli-error.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('keygate history: --since and --until values', () => {
  it.each([
    ['2025-01-31T12:00:00Z', '2025-01-31T12:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['30m', '2026-03-10T11:30:00.000Z'],
    ['7d', '2026-03-03T12:00:00.000Z'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseTime(value, '--since', NOW)).toBe(expected);
  });

  it.each(['2026-02-31', '2026-02-29T10:00:00Z', '2026-04-31', '2026-13-01', 'yesterday'])(
    'refuses %s as a usage error instead of reading it as another day',
    (value) => {
      let error: unknown;
      try {
        parseTime(value, '--since', NOW);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--since must be an RFC 3339 time/) });
    },
  );

  it.each(['2026-12-07T10:00', '2026-12-07T10:00:00', '2026-12-07 10:00:00.5'])(
    'refuses %s, a time without an offset, as a usage error instead of reading it in this machine\'s time zone',
    (value) => {
      expect(() => parseTime(value, '--until', NOW)).toThrow(
        expect.objectContaining({ exitCode: 2, message: `--until needs a time-zone offset (2025-01-31T12:00:00Z or 2025-01-31T13:00:00+01:00); not "${value}"` }),
      );
    },
  );

  it('refuses a window that ends before it starts as a usage error, before asking the server', () => {
    expect(parseWindow('7d', '1d', NOW)).toEqual({ since: '2026-03-03T12:00:00.000Z', until: '2026-03-09T12:00:00.000Z' });
    expect(() => parseWindow('30m', '1d', NOW)).toThrow(
      expect.objectContaining({ exitCode: 2, message: '--since (2026-03-10T11:30:00.000Z) must not be after --until (2026-03-09T12:00:00.000Z)' }),
    );
  });
});
