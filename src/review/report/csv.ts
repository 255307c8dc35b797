/**
 * The CSV report (RFC 4180): one row per finding. Cells that a spreadsheet would run as a
 * formula are prefixed with an apostrophe (OWASP "CSV injection").
 */
import type { ReviewResult } from '../engine/review.js';
import { printable } from './printable.js';

const HEADER = [
  'control',
  'subject',
  'subject_kind',
  'status',
  'severity',
  'cvss_score',
  'cvss_vector',
  'cvss_vector_score',
  'conditions',
  'evidence',
  'remediation',
  'location',
  'acceptance',
] as const;

/** Quotes one cell; control characters are written visibly (see printable.ts). */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : printable(String(value));
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders every finding as CSV, header first, CRLF line ends. */
export function renderCsv(result: ReviewResult): string {
  const rows = result.findings.map((f) =>
    [
      f.control,
      f.subject,
      f.subjectKind,
      f.status,
      f.severity,
      f.cvss ? f.cvss.score.toFixed(1) : '',
      f.cvss?.vector ?? '',
      f.cvss ? f.cvss.vectorScore.toFixed(1) : '',
      f.conditions.map((c) => c.id).join(' '),
      f.evidence,
      f.remediation,
      f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : '',
      f.acceptance?.note ?? '',
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}
