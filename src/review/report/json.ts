/**
 * The JSON report: `{ score, grade, baseline, generatedAt, findings }`, each finding with
 * `control`, `subject`, `status`, `severity`, `cvss`, `conditions`, `evidence`, `remediation`.
 * A stable contract for scripts and the admin API.
 */
import type { AcceptanceNote } from '../engine/accepted-risk.js';
import type { AppliedCondition, ReviewResult } from '../engine/review.js';
import type { EvidenceLocation } from '../engine/snapshot.js';
import { escapeJsonControls } from './printable.js';

/** One finding on the wire. */
export interface JsonFinding {
  readonly control: string;
  readonly title: string;
  readonly subject: string;
  readonly subjectKind: 'org' | 'app';
  readonly status: string;
  readonly evaluatedStatus: string;
  readonly severity: string;
  readonly category: string;
  /** Null for pass, not_applicable and unknown findings. */
  readonly cvss: { readonly score: number; readonly vector: string; readonly vectorScore: number } | null;
  readonly conditions: readonly AppliedCondition[];
  readonly evidence: string;
  readonly remediation: string;
  readonly location?: EvidenceLocation;
  readonly state: string;
  readonly acceptance?: AcceptanceNote;
}

/** The JSON report document. */
export interface JsonReport {
  readonly score: number;
  readonly grade: string;
  readonly baseline: string;
  readonly generatedAt: string;
  readonly source: string;
  readonly origin?: string;
  readonly appCount: number;
  readonly trafficWindow: { readonly since: string; readonly until: string } | null;
  readonly summary: Readonly<Record<string, number>>;
  readonly findings: readonly JsonFinding[];
}

/** Counts findings by status. */
export function countByStatus(result: Pick<ReviewResult, 'findings'>): Record<string, number> {
  const counts: Record<string, number> = { fail: 0, warn: 0, unknown: 0, accepted: 0, pass: 0, not_applicable: 0 };
  for (const f of result.findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
  return counts;
}

/** The report as a plain object. */
export function toJsonReport(result: ReviewResult): JsonReport {
  return {
    score: result.score,
    grade: result.grade,
    baseline: result.baseline,
    generatedAt: result.generatedAt.toISOString(),
    source: result.source,
    ...(result.origin !== undefined ? { origin: result.origin } : {}),
    appCount: result.appCount,
    trafficWindow: result.trafficWindow
      ? { since: result.trafficWindow.since.toISOString(), until: result.trafficWindow.until.toISOString() }
      : null,
    summary: countByStatus(result),
    findings: result.findings.map((f) => ({
      control: f.control,
      title: f.title,
      subject: f.subject,
      subjectKind: f.subjectKind,
      status: f.status,
      evaluatedStatus: f.evaluatedStatus,
      severity: f.severity,
      category: f.category,
      cvss: f.cvss,
      conditions: f.conditions,
      evidence: f.evidence,
      remediation: f.remediation,
      ...(f.location ? { location: f.location } : {}),
      state: f.state,
      ...(f.acceptance ? { acceptance: f.acceptance } : {}),
    })),
  };
}

/** The report as indented JSON text with a trailing newline, every control character escaped. */
export function renderJson(result: ReviewResult): string {
  return `${escapeJsonControls(JSON.stringify(toJsonReport(result), null, 2))}\n`;
}

/**
 * Reads a JSON report back as a review result, so that a review run by the server can be
 * rendered in any format by the CLI. The inverse of {@link toJsonReport}.
 */
export function fromJsonReport(report: JsonReport): ReviewResult {
  return {
    score: report.score,
    grade: report.grade as ReviewResult['grade'],
    baseline: report.baseline,
    generatedAt: new Date(report.generatedAt),
    source: report.source as ReviewResult['source'],
    ...(report.origin !== undefined ? { origin: report.origin } : {}),
    appCount: report.appCount,
    trafficWindow: report.trafficWindow ? { since: new Date(report.trafficWindow.since), until: new Date(report.trafficWindow.until) } : null,
    findings: report.findings as unknown as ReviewResult['findings'],
  };
}
