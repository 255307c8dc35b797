/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no external
 * asset; a Content-Security-Policy forbids loading any) with a score gauge, findings grouped
 * by subject with their remediation, and the score over time.
 */
import type { Finding, ReviewResult } from '../engine/review.js';
import { countByStatus } from './json.js';
import { printable } from './printable.js';

/** A past review's score, for the chart. */
export interface ScorePoint {
  readonly at: Date;
  readonly score: number;
}

export interface HtmlOptions {
  /** Earlier reviews, oldest first; the current one is appended. */
  readonly history?: readonly ScorePoint[];
  /** Show passing and not-applicable findings too (default true). */
  readonly includePassing?: boolean;
}

/** Escapes text for HTML element content and attribute values; control characters are written visibly. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
header{display:flex;gap:32px;align-items:center;flex-wrap:wrap}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a}.counts span{margin-right:12px}
.finding{background:#fff;border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:10px 14px;margin:8px 0}
.finding.fail{border-left-color:#cf222e}.finding.warn,.finding.unknown{border-left-color:#bf8700}
.finding.pass{border-left-color:#1a7f37}.finding.accepted{border-left-color:#8250df}.finding.not_applicable{border-left-color:#8c959f}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:0 6px;border-radius:10px;background:#eaeef2;margin-right:6px}
.badge.fail{background:#ffebe9;color:#a40e26}.badge.warn,.badge.unknown{background:#fff8c5;color:#7d4e00}.badge.pass{background:#dafbe1;color:#116329}.badge.accepted{background:#fbefff;color:#6639ba}
.ctl{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;color:#57606a}
.fix{margin-top:4px}.small{font-size:12px;color:#57606a}
`;

/** Renders the review as one HTML document. */
export function renderHtml(result: ReviewResult, options: HtmlOptions = {}): string {
  const counts = countByStatus(result);
  const includePassing = options.includePassing ?? true;
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    if (!includePassing && (f.status === 'pass' || f.status === 'not_applicable')) continue;
    const key = `${f.subjectKind === 'org' ? '0' : '1'}${f.subject}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const sections = [...groups.entries()]
    // An explicit locale: the runner's own (LANG) would reorder apps between CI machines.
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([, findings]) => {
      const first = findings[0]!;
      const open = findings.filter((f) => f.status === 'fail' || f.status === 'warn').length;
      return `<section><h2>${first.subjectKind === 'org' ? 'Org' : 'App'}: ${escapeHtml(first.subject)} <span class="small">${open} open</span></h2>${findings.map(renderFinding).join('')}</section>`;
    })
    .join('\n');
  const history = [...(options.history ?? []), { at: result.generatedAt, score: result.score }];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Keygate security health review: ${result.score}/100 (${escapeHtml(result.grade)})</title>
<style>${STYLE}</style>
</head>
<body>
<header>
${renderGauge(result.score, result.grade)}
<div>
<h1>Keygate security health review</h1>
<div class="meta">Baseline ${escapeHtml(result.baseline)} · ${result.appCount} app${result.appCount === 1 ? '' : 's'} · ${escapeHtml(result.generatedAt.toISOString())}${result.trafficWindow ? ` · traffic since ${escapeHtml(result.trafficWindow.since.toISOString().slice(0, 10))}` : ' · offline review, no traffic'}</div>
<div class="counts"><span>${counts.fail} failing</span><span>${counts.warn} warning</span><span>${counts.unknown} unknown</span><span>${counts.accepted} accepted</span><span>${counts.pass} passing</span><span>${counts.not_applicable} not applicable</span></div>
</div>
${renderHistory(history)}
</header>
<main>
${sections || '<p>No findings.</p>'}
</main>
</body>
</html>
`;
}

function renderFinding(f: Finding): string {
  // The adjusted score (placed in the control's range) and the vector's own base score, told apart.
  const cvss = f.cvss
    ? ` · risk ${f.cvss.score.toFixed(1)} · <span class="ctl">${escapeHtml(f.cvss.vector)}</span> (CVSS base score ${f.cvss.vectorScore.toFixed(1)})`
    : '';
  const conditions = f.conditions.length
    ? `<div class="small">Context: ${f.conditions.map((c) => `${c.kind === 'higher' ? '▲' : '▼'} ${escapeHtml(c.description)}`).join(' ')}</div>`
    : '';
  const where = f.location ? `<div class="small">At ${escapeHtml(f.location.file)}${f.location.line ? `:${f.location.line}` : ''}</div>` : '';
  const acceptance = f.acceptance ? `<div class="small">${escapeHtml(f.acceptance.note)}</div>` : '';
  const fix = f.status === 'fail' || f.status === 'warn' ? `<div class="fix"><strong>Fix:</strong> ${escapeHtml(f.remediation)}</div>` : '';
  return `<div class="finding ${f.status}"><div><span class="badge ${f.status}">${escapeHtml(f.status.replace('_', ' '))}</span><strong>${escapeHtml(f.title)}</strong> <span class="small">${escapeHtml(f.severity)}${cvss}</span></div><div class="ctl">${escapeHtml(f.control)}</div><div>${escapeHtml(f.evidence)}</div>${conditions}${acceptance}${fix}${where}</div>`;
}

/** A half-circle gauge drawn in SVG. */
function renderGauge(score: number, grade: string): string {
  const clamped = Math.max(0, Math.min(100, score));
  const angle = Math.PI * (1 - clamped / 100);
  const x = (60 + 50 * Math.cos(angle)).toFixed(2);
  const y = (60 - 50 * Math.sin(angle)).toFixed(2);
  const color = score >= 80 ? '#1a7f37' : score >= 55 ? '#bf8700' : '#cf222e';
  const arc = clamped > 0 ? `<path d="M10 60 A50 50 0 0 1 ${x} ${y}" fill="none" stroke="${color}" stroke-width="12" stroke-linecap="round"/>` : '';
  return `<svg role="img" aria-label="Score ${score} of 100, ${escapeHtml(grade)}" width="160" height="100" viewBox="0 0 120 75"><path d="M10 60 A50 50 0 0 1 110 60" fill="none" stroke="#eaeef2" stroke-width="12" stroke-linecap="round"/>${arc}<text x="60" y="56" text-anchor="middle" font-size="22" font-weight="700" fill="${color}">${score}</text><text x="60" y="72" text-anchor="middle" font-size="9" fill="#57606a">${escapeHtml(grade)}</text></svg>`;
}

/** The score over time as an SVG line chart. */
function renderHistory(points: readonly ScorePoint[]): string {
  const w = 320;
  const h = 100;
  const pad = 20;
  const n = points.length;
  const xy = points.map((p, i) => {
    const x = n === 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (n - 1);
    const y = h - pad - (Math.max(0, Math.min(100, p.score)) / 100) * (h - 2 * pad);
    return [x.toFixed(1), y.toFixed(1)] as const;
  });
  const line = n > 1 ? `<polyline fill="none" stroke="#0969da" stroke-width="2" points="${xy.map(([x, y]) => `${x},${y}`).join(' ')}"/>` : '';
  const dots = xy
    .map(([x, y], i) => `<circle cx="${x}" cy="${y}" r="3" fill="#0969da"><title>${escapeHtml(points[i]!.at.toISOString().slice(0, 10))}: ${points[i]!.score}</title></circle>`)
    .join('');
  const first = points[0]!.at.toISOString().slice(0, 10);
  const last = points[n - 1]!.at.toISOString().slice(0, 10);
  return `<figure style="margin:0"><svg role="img" aria-label="Score over time" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#d0d7de"/><line x1="${pad}" y1="${pad}" x2="${w - pad}" y2="${pad}" stroke="#eaeef2"/><text x="2" y="${pad + 3}" font-size="8" fill="#57606a">100</text><text x="8" y="${h - pad + 3}" font-size="8" fill="#57606a">0</text>${line}${dots}<text x="${pad}" y="${h - 4}" font-size="8" fill="#57606a">${first}</text><text x="${w - pad}" y="${h - 4}" font-size="8" text-anchor="end" fill="#57606a">${last}</text></svg><figcaption class="small">Score over time</figcaption></figure>`;
}
