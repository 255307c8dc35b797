/**
 * The Security Health Review page: the score as a gauge with its grade, the score over time
 * as a chart (inline SVG: no script, no style attribute, so the CSP holds), findings grouped
 * by app with evidence, remediation and a link to the setting that fixes them, the "Accept
 * risk" form, and the accepted risks with their revocation.
 */
import type { ReviewSummary, StoredAcceptedRisk } from '../../../admin/review-service.js';
import type { JsonFinding, JsonReport } from '../../../review/report/json.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, formatDate, formatTime, layout, pill, textField, type Notice } from '../layout.js';
import type { AdminChrome } from './app-pages.js';

/** Where in the console each control's setting is changed. */
const FIX_LOCATIONS: Record<string, { readonly path: 'oauth' | 'policies' | 'app' | 'users' | 'org'; readonly label: string }> = {
  'org.m2m.asymmetric-required': { path: 'org', label: 'Org Settings' },
  'eca.oauth-flow.jwt-bearer-enabled': { path: 'oauth', label: 'Edit OAuth Settings' },
  'eca.oauth-flow.client-credentials-constrained': { path: 'oauth', label: 'Edit OAuth Settings' },
  'eca.oauth-flow.username-password-disabled': { path: 'oauth', label: 'Edit OAuth Settings' },
  'eca.oauth-scope.least-privilege': { path: 'oauth', label: 'Edit OAuth Settings' },
  'eca.certificate.health': { path: 'oauth', label: 'Upload a certificate in Edit OAuth Settings' },
  'eca.consumer-secret.rotation': { path: 'app', label: 'Rotate or delete the consumer secret on the app page' },
  'eca.replay.require-jti': { path: 'app', label: 'Open the app' },
  'traffic.secret-authentication': { path: 'oauth', label: 'Edit OAuth Settings' },
  'traffic.dormant-app': { path: 'app', label: 'Open the app' },
  'eca.policy.permitted-users-admin-approved': { path: 'policies', label: 'Edit Policies' },
  'eca.policy.ip-relaxation-enforced': { path: 'policies', label: 'Edit Policies' },
  'eca.policy.session-timeout': { path: 'policies', label: 'Edit Policies' },
  'eca.integration-user.least-privilege': { path: 'users', label: 'Open Users' },
};

function fixLink(finding: JsonFinding, appId: string | undefined): SafeHtml {
  const fix = FIX_LOCATIONS[finding.control];
  if (fix?.path === 'org') return html`<p><a href="/console/org">${fix.label}</a></p>`;
  if (!fix || !appId) return html``;
  const href = fix.path === 'users' ? '/console/users' : fix.path === 'app' ? `/console/apps/${appId}` : `/console/apps/${appId}/${fix.path}`;
  return html`<p><a href="${href}">${fix.label}</a></p>`;
}

const GRADE_COLOURS: Record<string, string> = {
  Excellent: '#1e6b34',
  'Very Good': '#2f7d3c',
  Good: '#7a6200',
  Poor: '#a34f00',
  'Very Poor': '#a31b1b',
};

function gauge(score: number, grade: string): SafeHtml {
  const f = Math.min(Math.max(score, 0), 100) / 100;
  const x = (100 - 80 * Math.cos(Math.PI * f)).toFixed(2);
  const y = (100 - 80 * Math.sin(Math.PI * f)).toFixed(2);
  const colour = GRADE_COLOURS[grade] ?? '#0b5cab';
  return html`<svg width="220" height="130" viewBox="0 0 200 120" role="img" aria-labelledby="gauge-title">
<title id="gauge-title">Score ${score} out of 100, grade ${grade}</title>
<path d="M 20 100 A 80 80 0 0 1 180 100" fill="none" stroke="#dde3ea" stroke-width="16" stroke-linecap="round"/>
${f > 0 ? html`<path d="M 20 100 A 80 80 0 0 1 ${x} ${y}" fill="none" stroke="${colour}" stroke-width="16" stroke-linecap="round"/>` : ''}
<text x="100" y="92" text-anchor="middle" font-size="34" font-weight="700" fill="#1b1f24">${score}</text>
<text x="100" y="114" text-anchor="middle" font-size="13" fill="#4a5563">out of 100</text>
</svg>`;
}

function scoreChart(history: readonly ReviewSummary[]): SafeHtml {
  const points = [...history].reverse();
  if (points.length < 2) return html`<p>The chart appears after the second review.</p>`;
  const width = 640;
  const height = 200;
  const left = 40;
  const right = 16;
  const top = 12;
  const bottom = 32;
  const xAt = (i: number) => left + (i * (width - left - right)) / (points.length - 1);
  const yAt = (score: number) => top + ((100 - score) * (height - top - bottom)) / 100;
  const line = points.map((p, i) => `${xAt(i).toFixed(1)},${yAt(p.score).toFixed(1)}`).join(' ');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return html`<svg width="100%" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">
<title id="chart-title">Score over time</title>
<desc id="chart-desc">${points.length} reviews from ${formatTime(first.generatedAt)} (score ${first.score}) to ${formatTime(last.generatedAt)} (score ${last.score}).</desc>
${[0, 50, 100].map(
  (v) => html`<line x1="${left}" x2="${width - right}" y1="${yAt(v)}" y2="${yAt(v)}" stroke="#dde3ea" stroke-width="1"/><text x="${left - 6}" y="${yAt(v) + 4}" text-anchor="end" font-size="11" fill="#4a5563">${v}</text>`,
)}
<polyline points="${line}" fill="none" stroke="#0b5cab" stroke-width="2.5"/>
${points.map((p, i) => html`<circle cx="${xAt(i).toFixed(1)}" cy="${yAt(p.score).toFixed(1)}" r="3.5" fill="#0b5cab"/>`)}
<text x="${left}" y="${height - 10}" font-size="11" fill="#4a5563">${formatDate(first.generatedAt)}</text>
<text x="${width - right}" y="${height - 10}" text-anchor="end" font-size="11" fill="#4a5563">${formatDate(last.generatedAt)}</text>
</svg>
<details><summary>Scores as a table</summary><table><thead><tr><th scope="col">Review</th><th scope="col">Score</th><th scope="col">Grade</th></tr></thead><tbody>${history.map(
    (p) => html`<tr><td>${formatTime(p.generatedAt)}</td><td>${p.score}</td><td>${p.grade}</td></tr>`,
  )}</tbody></table></details>`;
}

const STATUS_PILL: Record<string, SafeHtml> = {
  fail: pill('bad', 'Failing'),
  warn: pill('warn', 'Warning'),
  unknown: pill('warn', 'Unknown'),
  accepted: pill('muted', 'Risk accepted'),
  pass: pill('ok', 'Passing'),
  not_applicable: pill('muted', 'Not applicable'),
};

/** An acceptance the service refused: what was typed, shown again in its finding's form. */
export interface RefusedAcceptance {
  readonly control: string;
  readonly subject: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
  /** The refused field (`reason`, `owner`, `expires`), when the refusal names one. */
  readonly field?: string | undefined;
  readonly message: string;
}

function acceptForm(finding: JsonFinding, index: number, chrome: AdminChrome, defaultExpiry: string, refused: RefusedAcceptance | null): SafeHtml {
  const id = `accept-${index}`;
  const errorOn = (field: string) => (refused && refused.field === field ? refused.message : null);
  return html`<details${refused ? html` open` : ''}><summary>Accept risk</summary>
<form method="post" action="/console/review/accept">
${csrfField(chrome.csrfToken)}
<input type="hidden" name="control" value="${finding.control}"><input type="hidden" name="subject" value="${finding.subject}">
${textField({ id: `${id}-reason`, name: 'reason', label: 'Reason', value: refused?.reason ?? null, multiline: true, required: true, hint: 'Why this risk is acceptable for now.', error: errorOn('reason') })}
${textField({ id: `${id}-owner`, name: 'owner', label: 'Owner', value: refused ? refused.owner : chrome.username, required: true, error: errorOn('owner') })}
${textField({ id: `${id}-expires`, name: 'expires', label: 'Expires', type: 'date', value: refused ? refused.expires : defaultExpiry, required: true, hint: 'The acceptance lapses at the end of this day (UTC) and the finding reopens.', error: errorOn('expires') })}
<button type="submit">Accept risk</button>
</form></details>`;
}

function findingBlock(
  finding: JsonFinding,
  index: number,
  appId: string | undefined,
  chrome: AdminChrome,
  defaultExpiry: string,
  refused: RefusedAcceptance | null,
): SafeHtml {
  const open = finding.status === 'fail' || finding.status === 'warn';
  const mine = refused && refused.control === finding.control && refused.subject === finding.subject ? refused : null;
  return html`<article class="finding" aria-labelledby="finding-${index}">
<h4 id="finding-${index}">${finding.title} ${STATUS_PILL[finding.status] ?? finding.status}</h4>
<p class="hint"><code>${finding.control}</code> · severity ${finding.severity}${finding.cvss ? ` · CVSS ${finding.cvss.score.toFixed(1)}` : ''}</p>
<p><strong>Evidence:</strong> ${finding.evidence}</p>
${finding.conditions.length ? html`<p><strong>Conditions:</strong> ${finding.conditions.map((c) => c.description).join('; ')}</p>` : ''}
<p><strong>Remediation:</strong> ${finding.remediation}</p>
${finding.acceptance ? html`<p><strong>Acceptance:</strong> ${finding.acceptance.note}</p>` : ''}
${fixLink(finding, appId)}
${open ? acceptForm(finding, index, chrome, defaultExpiry, mine) : ''}
</article>`;
}

export function reviewPage(options: {
  admin: AdminChrome;
  latest: (ReviewSummary & { report: JsonReport }) | null;
  history: readonly ReviewSummary[];
  accepted: readonly StoredAcceptedRisk[];
  /** App ids by name, for the links to settings. */
  appIds: ReadonlyMap<string, string>;
  now: Date;
  notice?: Notice | null;
  /** A refused acceptance, whose form opens again with what was typed. */
  refusedAcceptance?: RefusedAcceptance | null;
}): SafeHtml {
  const { admin, latest } = options;
  const refused = options.refusedAcceptance ?? null;
  const runForm = html`<form method="post" action="/console/review/run">${csrfField(admin.csrfToken)}<button type="submit">${latest ? 'Re-run review' : 'Run review'}</button></form>`;
  const chrome = { title: 'Security Health Review', admin, section: 'review' as const, notice: options.notice ?? null };
  if (!latest) return layout(chrome, html`<section class="card" aria-label="No review yet"><p>No review has run yet.</p>${runForm}</section>`);

  const defaultExpiry = formatDate(new Date(options.now.getTime() + 90 * 86_400_000));
  const groups = new Map<string, JsonFinding[]>();
  for (const f of latest.report.findings) groups.set(f.subject, [...(groups.get(f.subject) ?? []), f]);
  const orgGroups = [...groups].filter(([, fs]) => fs[0]!.subjectKind === 'org');
  const appGroups = [...groups].filter(([, fs]) => fs[0]!.subjectKind === 'app').sort(([a], [b]) => a.localeCompare(b));
  const summary = latest.report.summary;
  let index = 0;
  const group = (subject: string, findings: JsonFinding[], kind: 'org' | 'app') => {
    const appId = kind === 'app' ? options.appIds.get(subject) : undefined;
    const open = findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable');
    const passing = findings.filter((f) => f.status === 'pass');
    return html`<section class="card" id="${appId ? `app-${appId}` : kind === 'org' ? 'org' : `subject-${index}`}" aria-labelledby="group-${index}">
<div class="card-head"><h3 id="group-${index++}">${kind === 'org' ? `Org: ${subject}` : subject}</h3>${appId ? html`<a href="/console/apps/${appId}">Open the app</a>` : ''}</div>
${open.length === 0 ? html`<p>${pill('ok', 'All controls passing')}</p>` : open.map((f) => findingBlock(f, index++, appId, admin, defaultExpiry, refused))}
${
  passing.length
    ? html`<details><summary>Passing controls (${passing.length})</summary><ul>${passing.map((f) => html`<li>${f.title}: Passing <span class="hint">(<code>${f.control}</code>)</span></li>`)}</ul></details>`
    : ''
}
</section>`;
  };

  return layout(
    chrome,
    html`<section class="card" aria-labelledby="score-heading">
<div class="card-head"><h2 id="score-heading">Score</h2>${runForm}</div>
<div class="score">${gauge(latest.score, latest.grade)}
<dl class="facts">
<dt>Grade</dt><dd><strong>${latest.grade}</strong></dd>
<dt>Reviewed</dt><dd>${formatTime(latest.generatedAt)}</dd>
<dt>Baseline</dt><dd>${latest.baseline}</dd>
<dt>Apps</dt><dd>${latest.appCount}</dd>
<dt>Findings</dt><dd>${summary['fail'] ?? 0} failing, ${summary['warn'] ?? 0} warnings, ${summary['accepted'] ?? 0} accepted, ${summary['pass'] ?? 0} passing</dd>
</dl></div>
</section>
<section class="card" aria-labelledby="chart-heading">
<h2 id="chart-heading">Score over time</h2>
${scoreChart(options.history)}
</section>
<h2>Findings by app</h2>
${orgGroups.map(([s, fs]) => group(s, fs, 'org'))}
${appGroups.map(([s, fs]) => group(s, fs, 'app'))}
<section class="card" aria-labelledby="accepted-heading">
<h2 id="accepted-heading">Accepted risks</h2>
${
  options.accepted.length === 0
    ? html`<p>No accepted risks.</p>`
    : html`<table><thead><tr><th scope="col">Control</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Owner</th><th scope="col">Expires</th><th scope="col">Action</th></tr></thead><tbody>${options.accepted.map(
        (r) => html`<tr><td><code>${r.control}</code></td><td>${r.subject}</td><td>${r.reason}</td><td>${r.owner}</td><td>${formatDate(r.expires)}</td><td><form method="post" action="/console/review/accepted/${r.id}/revoke">${csrfField(admin.csrfToken)}<button type="submit" class="secondary">Revoke</button></form></td></tr>`,
      )}</tbody></table>`
}
</section>`,
  );
}
