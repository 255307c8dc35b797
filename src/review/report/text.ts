/**
 * The terminal report: score and grade, then open findings most severe first, then a count
 * of the rest. Plain text unless colour is asked for.
 */
import type { Finding, ReviewResult } from '../engine/review.js';
import { countByStatus } from './json.js';
import { printable } from './printable.js';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a TTY without NO_COLOR). */
  readonly color?: boolean;
  /** Also list passing, not-applicable and accepted findings. */
  readonly verbose?: boolean;
}

const COLORS = { red: '\u001b[31m', yellow: '\u001b[33m', green: '\u001b[32m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' } as const;

/** A progress line for long reviews, e.g. "Reviewing apps: 5000/10000 (50%)". */
export function formatProgress(done: number, total: number): string {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `Reviewing apps: ${done}/${total} (${percent}%)`;
}

/** Apps above which the CLI should show a progress line. */
export const PROGRESS_THRESHOLD_APPS = 200;

/** Renders the review for a terminal. */
export function renderText(result: ReviewResult, options: TextOptions = {}): string {
  const paint = (color: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const counts = countByStatus(result);
  const out: string[] = [];
  const scoreColor = result.score >= 80 ? 'green' : result.score >= 55 ? 'yellow' : 'red';
  out.push(
    `${paint('bold', 'Keygate security health review')}  score ${paint(scoreColor, `${result.score}/100`)} (${result.grade}), baseline ${printable(result.baseline)}`,
  );
  out.push(
    `${result.appCount} app${result.appCount === 1 ? '' : 's'} reviewed at ${result.generatedAt.toISOString()}${result.trafficWindow ? `, traffic since ${result.trafficWindow.since.toISOString().slice(0, 10)}` : ', offline (no traffic)'}`,
  );
  out.push(
    `${counts.fail} failing, ${counts.warn} warning, ${counts.unknown} unknown, ${counts.accepted} accepted, ${counts.pass} passing, ${counts.not_applicable} not applicable`,
  );
  const shown = result.findings.filter((f) => options.verbose || f.status === 'fail' || f.status === 'warn' || f.status === 'unknown');
  if (shown.length > 0) out.push('');
  for (const f of shown) out.push(...renderFinding(f, paint));
  return `${out.join('\n')}\n`;
}

/** One finding; every value from the source goes through {@link printable}, so it stays on its line. */
function renderFinding(f: Finding, paint: (color: keyof typeof COLORS, text: string) => string): string[] {
  const label = f.status.toUpperCase().padEnd(7);
  const color = f.status === 'fail' ? 'red' : f.status === 'warn' || f.status === 'unknown' ? 'yellow' : f.status === 'pass' ? 'green' : 'dim';
  // The adjusted score, not a CVSS score of any vector shown here (see docs/review.md).
  const cvss = f.cvss ? ` risk ${f.cvss.score.toFixed(1)}` : '';
  const where = f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : '';
  const lines = [`${paint(color, label)} ${f.severity.padEnd(8)}${cvss}  ${printable(f.subject)}  ${printable(f.control)}`, `        ${printable(f.evidence)}`];
  if (f.conditions.length > 0) lines.push(`        ${paint('dim', `context: ${printable(f.conditions.map((c) => c.id).join(', '))}`)}`);
  if (f.acceptance) lines.push(`        ${paint('dim', printable(f.acceptance.note))}`);
  if (f.status === 'fail' || f.status === 'warn') lines.push(`        fix: ${printable(f.remediation)}`);
  if (where) lines.push(`        ${paint('dim', `at ${printable(where)}`)}`);
  return lines;
}
