import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import { acceptRisk } from '../../src/review/engine/accepted-risk.js';
import { reviewSnapshot, type ReviewResult } from '../../src/review/engine/review.js';
import { csvCell, renderCsv } from '../../src/review/report/csv.js';
import { renderHtml } from '../../src/review/report/html.js';
import { renderJson, toJsonReport } from '../../src/review/report/json.js';
import { renderReport, REPORT_FORMATS } from '../../src/review/report/render-report.js';
import { toSarif } from '../../src/review/report/sarif.js';
import { scoreCvssVector } from '../../src/review/engine/cvss.js';
import { formatProgress, renderText } from '../../src/review/report/text.js';
import { app, appTraffic, daysFromNow, NOW, org, snapshot, traffic, user } from './helpers.js';

const SCHEMA_FILE = new URL('./fixtures/sarif-2.1.0-rtm.5.json', import.meta.url);
const SCHEMA_SHA256 = '2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8';

function sampleResult(): ReviewResult {
  const legacy = app({
    name: 'legacy <crm> "quoted", =cmd',
    flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
    hasConsumerSecret: true,
    consumerSecretCreatedAt: daysFromNow(-5),
    runAs: user('admin@example.com', { elevatedPermissions: ['ModifyAllData'] }),
    ipRelaxation: 'relax',
    location: { file: 'config/keygate.yaml', line: 12, element: 'apps.1' },
    locations: { 'flows.jwtBearer': { file: 'config/keygate.yaml', line: 14, element: 'apps.1.flows.jwtBearer' } },
  });
  const snap = snapshot([app(), legacy, app({ name: 'quiet', sessionTimeoutMinutes: 90 })], {
    org: org({ requireAsymmetricM2M: false }),
    traffic: traffic([appTraffic('erp-sync'), appTraffic('quiet', { lastTokenAt: daysFromNow(-60) })]),
    origin: 'config/keygate.yaml',
  });
  const first = reviewSnapshot(snap, { controls: CONTROLS });
  const toAccept = first.findings.find((f) => f.control === 'eca.policy.session-timeout' && f.subject === 'quiet')!;
  return reviewSnapshot(snap, {
    controls: CONTROLS,
    acceptedRisks: [acceptRisk(toAccept, { reason: 'batch window', owner: 'ops@example.com', expires: daysFromNow(10), now: NOW })],
  });
}

describe('JSON report', () => {
  it('has the documented top-level shape and finding fields', () => {
    const report = JSON.parse(renderJson(sampleResult())) as ReturnType<typeof toJsonReport>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['score', 'grade', 'baseline', 'generatedAt', 'findings']));
    expect(report.generatedAt).toBe('2025-06-01T12:00:00.000Z');
    expect(report.baseline).toBe('standard');
    const seed = report.findings.find((f) => f.control === 'eca.oauth-flow.jwt-bearer-enabled' && f.subject.startsWith('legacy'))!;
    expect(seed).toMatchObject({
      status: 'fail',
      severity: 'high',
      cvss: { score: 8.9, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N' },
      location: { file: 'config/keygate.yaml', line: 14 },
    });
    expect(seed.conditions.map((c) => c.id)).toEqual(['elevated-integration-user', 'ip-not-enforced']);
    expect(seed.evidence).toMatch(/JWT Bearer flow is off\.$/);
    expect(seed.remediation).toContain('JWT Bearer');
    for (const f of report.findings) {
      for (const key of ['control', 'subject', 'status', 'severity', 'cvss', 'conditions', 'evidence', 'remediation']) expect(f).toHaveProperty(key);
    }
  });
});

describe('SARIF report', () => {
  it('validates against the SARIF 2.1.0 JSON schema', () => {
    const text = readFileSync(SCHEMA_FILE, 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(SCHEMA_SHA256);
    // The schema is draft-04; the keywords it uses read the same under draft-07 (no boolean
    // exclusiveMinimum), and one of its patterns is written for non-Unicode regular expressions.
    const { $schema: _draft, id, ...schema } = JSON.parse(text) as Record<string, unknown>;
    const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile({ ...schema, $id: id as string });
    const log = toSarif(sampleResult(), { controls: CONTROLS, toolVersion: '0.1.0', docsUri: 'https://example.com/docs' });
    const valid = validate(JSON.parse(JSON.stringify(log)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator rejects a broken log, so the check can fail', () => {
    const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv.default({ strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile({ ...schema, $id: id as string });
    const log = JSON.parse(JSON.stringify(toSarif(sampleResult(), { controls: CONTROLS, toolVersion: '0.1.0' })));
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('gives every rule a security-severity and points results at the file and line', () => {
    const log = toSarif(sampleResult(), { controls: CONTROLS, toolVersion: '0.1.0' });
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(CONTROLS.map((c) => c.id));
    for (const rule of run.tool.driver.rules) expect(rule.properties['security-severity']).toMatch(/^\d{1,2}\.\d$/);
    const seedRule = run.tool.driver.rules.find((r) => r.id === 'eca.oauth-flow.jwt-bearer-enabled')!;
    expect(seedRule.properties['security-severity']).toBe('8.9');
    const seed = run.results.find((r) => r.ruleId === 'eca.oauth-flow.jwt-bearer-enabled')!;
    expect(seed.level).toBe('error');
    expect(seed.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'config/keygate.yaml' }, region: { startLine: 14 } });
    const accepted = run.results.find((r) => r.ruleId === 'eca.policy.session-timeout')!;
    expect(accepted.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(run.results.every((r) => r.properties.status !== 'pass')).toBe(true);
  });
});

describe('SARIF locations (docs/review.md, Outputs)', () => {
  it('a review of the running server has no file, so its results carry only a logical location', () => {
    const online = reviewSnapshot(snapshot([app({ flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false }, hasConsumerSecret: true })]), { controls: CONTROLS });
    const results = toSarif(online, { controls: CONTROLS, toolVersion: '0.1.0' }).runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.locations).toEqual([{ logicalLocations: [expect.objectContaining({ name: r.locations[0]!.logicalLocations[0]!.name })] }]);
  });
});

describe('HTML report', () => {
  it('is one self-contained file with a gauge, findings grouped by app and the score over time', () => {
    const html = renderHtml(sampleResult(), { history: [{ at: daysFromNow(-30), score: 40 }, { at: daysFromNow(-10), score: 55 }] });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(|@import|https?:\/\/(?!www\.w3)/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('aria-label="Score ');
    expect(html).toContain('aria-label="Score over time"');
    expect(html).toContain('<polyline');
    expect(html).toContain('App: legacy &lt;crm&gt; &quot;quoted&quot;, =cmd');
    expect(html).toContain('App: erp-sync');
    expect(html).toContain('Org: Acme');
    expect(html).not.toContain('legacy <crm>');
    expect(html).toContain('<strong>Fix:</strong>');
  });
});

describe('CSV report', () => {
  it('writes one row per finding with quoting and formula neutralisation', () => {
    const result = sampleResult();
    const csv = renderCsv(result);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('control,subject,subject_kind,status,severity,cvss_score,cvss_vector,cvss_vector_score,conditions,evidence,remediation,location,acceptance');
    expect(lines).toHaveLength(result.findings.length + 1);
    expect(csv).toContain('"legacy <crm> ""quoted"", =cmd"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
  });
});

describe('text report', () => {
  it('lists open findings most severe first', () => {
    const result = sampleResult();
    const text = renderText(result);
    expect(text.split('\n')[0]).toBe(`Keygate security health review  score ${result.score}/100 (${result.grade}), baseline standard`);
    const rows = text.split('\n').filter((l) => /^(FAIL|WARN|UNKNOWN) /.test(l));
    expect(rows.length).toBeGreaterThan(3);
    const rank = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 } as Record<string, number>;
    const fails = rows.filter((r) => r.startsWith('FAIL')).map((r) => rank[r.split(/\s+/)[1]!]!);
    expect(fails).toEqual([...fails].sort((a, b) => b - a));
    expect(rows[0]!.startsWith('FAIL')).toBe(true);
    expect(text).not.toContain('\u001b[');
    expect(renderText(result, { color: true })).toContain('\u001b[31m');
  });

  it('formats a progress line and reports progress while reviewing many apps', () => {
    expect(formatProgress(5000, 10000)).toBe('Reviewing apps: 5000/10000 (50%)');
    const seen: number[] = [];
    const apps = Array.from({ length: 1200 }, (_, i) => app({ name: `app-${i}` }));
    reviewSnapshot(snapshot(apps), { controls: CONTROLS, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([500, 1000, 1200]);
  });
});

describe('adjusted scores and vectors', () => {
  // The sample's seed finding: every higher-risk condition holds, its vector scores 10.0, and the
  // score is placed at 8.9, the top of the control's range.
  const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N';

  it("every format that writes a vector writes that vector's own CVSS 3.1 score beside it, apart from the adjusted score", () => {
    const result = sampleResult();
    expect(result.findings.some((f) => f.cvss?.vector === VECTOR && f.cvss.score === 8.9 && f.cvss.vectorScore === 10)).toBe(true);

    const json = JSON.parse(renderJson(result)) as ReturnType<typeof toJsonReport>;
    for (const f of json.findings) if (f.cvss) expect(f.cvss.vectorScore, f.control).toBe(scoreCvssVector(f.cvss.vector));

    const sarif = toSarif(result, { controls: CONTROLS, toolVersion: '0.1.0' });
    const scored = sarif.runs[0]!.results.filter((r) => r.properties['cvssVector'] !== undefined);
    expect(scored.length).toBeGreaterThan(0);
    for (const r of scored) expect(r.properties['cvssVectorScore'], r.ruleId).toBe(scoreCvssVector(r.properties['cvssVector'] as string));

    const csv = renderCsv(result);
    for (const f of result.findings) if (f.cvss) expect(csv).toContain(`,${f.cvss.score.toFixed(1)},${f.cvss.vector},${scoreCvssVector(f.cvss.vector).toFixed(1)},`);

    expect(renderHtml(result)).toContain(`risk 8.9 · <span class="ctl">${VECTOR}</span> (CVSS base score 10.0)`);
    // The text report shows no vector, so it does not call the adjusted score a CVSS score.
    const text = renderText(result);
    expect(text).not.toMatch(/CVSS \d/);
    expect(text).toMatch(/^FAIL +high +risk 8\.9 +legacy/m);
  });
});

describe('control characters from the source', () => {
  const forged = 'evil\r\nFAIL    critical CVSS 10.0  payroll  eca.forged\u001b]0;title\u0007\u009b2J\u007f';
  const hostile = (): ReviewResult =>
    reviewSnapshot(
      snapshot([app({ name: forged, flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false }, location: { file: 'apps/\u001b[31mx.yaml', line: 3, element: 'apps.0' } })]),
      { controls: CONTROLS },
    );
  // Line breaks the report itself writes are the only control characters allowed.
  const RAW_CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

  it('the text report writes them visibly escaped, so a value can neither forge a line nor drive the terminal', () => {
    const text = renderText(hostile(), { verbose: true });
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toContain('\r');
    expect(text.split('\n').filter((l) => l.startsWith('FAIL    critical CVSS 10.0  payroll'))).toEqual([]);
    expect(text).toContain('evil\\x0d\\x0aFAIL    critical CVSS 10.0  payroll  eca.forged\\x1b]0;title\\x07\\x9b2J\\x7f');
    expect(text).toContain('at apps/\\x1b[31mx.yaml:3');
  });

  it('CSV and HTML write them visibly too; JSON and SARIF escape them and keep the value', () => {
    const result = hostile();
    const csv = renderCsv(result);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(renderHtml(result)).not.toMatch(RAW_CONTROL);
    for (const json of [renderJson(result), renderReport(result, 'sarif', { controls: CONTROLS, toolVersion: '0.1.0' })]) {
      expect(json).not.toMatch(RAW_CONTROL);
      expect(json).toContain(JSON.stringify(forged).slice(1, -1).replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`));
    }
    expect((JSON.parse(renderJson(result)) as { findings: { subject: string }[] }).findings.some((f) => f.subject === forged)).toBe(true);
  });
});

describe('renderReport', () => {
  it('renders every format', () => {
    const result = sampleResult();
    for (const format of REPORT_FORMATS) expect(renderReport(result, format, { controls: CONTROLS, toolVersion: '0.1.0' }).length).toBeGreaterThan(100);
  });
});
