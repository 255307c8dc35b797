/**
 * What `keygate review --salesforce` writes: every format free of consumer keys, consumer
 * secrets and certificate bodies (canary values), SARIF locations at the metadata file and
 * line, the `--fail-on` exit code, and Salesforce Health Check baselines.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReviewCommand, type ReviewCommandIo } from '../../../src/cli/review-command.js';
import { CONTROL_IDS } from '../../../src/review/index.js';
import { snapshotFromSalesforce } from '../../../src/review/sources/salesforce/from-salesforce.js';
import { parseHealthCheckBaseline } from '../../../src/review/sources/salesforce/health-check-baseline.js';
import { ensureBuilt, keygateIn } from './cli.js';
import { FIXTURES, lineOf, materializeFixture, REVIEWED_AT, type MaterializedFixture } from './fixtures.js';

const ROOT = resolve(import.meta.dirname, '../../..');
let acme: MaterializedFixture;
const dir = (): string => join(acme.root, 'force-app');

beforeAll(async () => {
  acme = await materializeFixture('acme');
});

async function reviewed(args: { format?: string; baseline?: string; failOn?: string }): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: ReviewCommandIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => REVIEWED_AT, interactive: false, env: {} };
  const code = await runReviewCommand({ salesforce: dir(), ...args }, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('no secrets out', () => {
  it('canary consumer keys, consumer secrets and certificate bodies appear in no output format, nor in the snapshot', async () => {
    const body = acme.certificatePem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const pieces = [body.slice(0, 40), body.slice(body.length / 2, body.length / 2 + 40), body.slice(-40)];
    const outputs: Record<string, string> = { snapshot: JSON.stringify(snapshotFromSalesforce(dir(), { now: REVIEWED_AT })) };
    for (const format of ['text', 'json', 'sarif', 'html', 'csv']) outputs[format] = (await reviewed({ format })).out;
    for (const [format, text] of Object.entries(outputs)) {
      expect(text.length, format).toBeGreaterThan(500);
      expect(text, format).not.toContain('CANARY_');
      expect(text, format).not.toContain('BEGIN CERTIFICATE');
      for (const piece of pieces) expect(text.replace(/\s+/g, ''), format).not.toContain(piece);
    }
    // The canaries are really in the files the review read.
    const global = readFileSync(join(dir(), 'main/default/extlClntAppGlobalOauthSets/BillingGlobal.ecaGlblOauth-meta.xml'), 'utf8');
    expect(global).toContain('CANARY_CONSUMER_SECRET_BILLING');
  });
});

describe('SARIF', () => {
  beforeAll(ensureBuilt, 120_000);

  it('results point at the metadata file (relative, as given) and the line of the element', async () => {
    const run = await keygateIn(acme.root, ['review', '--salesforce', 'force-app', '--format', 'sarif', '--output', 'keygate.sarif', '--fail-on', 'critical']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/^Wrote the sarif report to keygate\.sarif: score \d+\/100/);
    const log = JSON.parse(readFileSync(join(acme.root, 'keygate.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[];
    };
    const results = log.runs[0]!.results;
    const scope = results.find((r) => r.ruleId === 'eca.oauth-scope.least-privilege' && r.message.text.startsWith('Billing_Sync'))!;
    const relative = 'force-app/main/default/extlClntAppOauthSettings/BillingScopes.ecaOauth-meta.xml';
    expect(scope.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: relative },
      region: { startLine: lineOf(join(acme.root, relative), '<commaSeparatedOauthScopes>') },
    });
    const ip = results.find((r) => r.ruleId === 'eca.policy.ip-relaxation-enforced' && r.message.text.startsWith('Portal_Login'))!;
    const policy = 'force-app/main/default/extlClntAppOauthPolicies/Portal_Login_oauthPlcy.ecaOauthPlcy-meta.xml';
    expect(ip.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: policy }, region: { startLine: lineOf(join(acme.root, policy), '<ipRelaxationPolicyType>') } });
    for (const r of results) expect(r.locations[0]!.physicalLocation?.artifactLocation.uri ?? '', r.ruleId).toMatch(/^force-app\//);
  });
});

describe('--fail-on', () => {
  it('exits 3 when a failing finding is at or above the band, 0 otherwise', async () => {
    expect((await reviewed({ failOn: 'high' })).code).toBe(3);
    const older = await runReviewCommand(
      { salesforce: join(FIXTURES, 'older-api'), failOn: 'low' },
      { stdout: () => undefined, stderr: () => undefined, now: () => REVIEWED_AT, interactive: false, env: {} },
    );
    // Old_Sync's facts are unknown, and unknown never trips the gate.
    expect(older).toBe(0);
  });
});

describe('HTML', () => {
  it('orders apps the same whatever locale the CI runner has (Danish collation sorts "Aa" after "Z")', async () => {
    await ensureBuilt();
    const folder = mkdtempSync(join(tmpdir(), 'keygate-locale-'));
    for (const name of ['Zeta_Sync', 'Aa_Sync']) {
      writeFileSync(
        join(folder, `${name}.eca-meta.xml`),
        `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>${name}</label>\n</ExternalClientApplication>\n`,
      );
    }
    const orderUnder = async (locale: string): Promise<string[]> => {
      const env = { ...process.env, NO_COLOR: '1', LANG: locale, LC_ALL: locale };
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/keygate.js'), 'review', '--salesforce', folder, '--format', 'html'], { env });
      return [...stdout.matchAll(/App: ([A-Za-z_]+)/g)].map((m) => m[1]!);
    };
    expect(await orderUnder('C')).toEqual(['Aa_Sync', 'Zeta_Sync']);
    expect(await orderUnder('da_DK.UTF-8')).toEqual(['Aa_Sync', 'Zeta_Sync']);
  });
});

describe('Salesforce Health Check baselines', () => {
  const file = join(FIXTURES, 'health-check-baseline.xml');

  it('re-categorises the controls its settings map onto and keeps the rest as not applicable', () => {
    const parsed = parseHealthCheckBaseline(file, readFileSync(file, 'utf8'), CONTROL_IDS);
    expect(parsed.baseline.name).toBe('Acme integrations');
    expect(parsed.baseline.categories).toEqual({
      'eca.settings.metadata-secrets-protection': 'medium',
      'eca.oauth-scope.least-privilege': 'medium',
      'eca.security.pkce-required': 'informational',
    });
    expect(parsed.unmapped.map((s) => [s.name, s.category, s.kind])).toEqual([
      ['SessionSettings.lockSessionsToDomain', 'high', 'booleanSetting'],
      ['PasswordPolicies.minPasswordLength', 'medium', 'numericRangeSetting'],
      ['PasswordPolicies.complexity', 'low', 'enumSetting'],
    ]);
  });

  it('--baseline FILE.xml applies it: findings move category and unmapped settings are reported not applicable', async () => {
    const { out } = await reviewed({ format: 'json', baseline: file });
    const report = JSON.parse(out) as { baseline: string; findings: { control: string; subject: string; status: string; category: string; location?: { line?: number } }[] };
    expect(report.baseline).toBe('Acme integrations');
    const scope = report.findings.find((f) => f.control === 'eca.oauth-scope.least-privilege' && f.subject === 'Billing_Sync')!;
    expect([scope.status, scope.category]).toEqual(['fail', 'medium']);
    const secrets = report.findings.find((f) => f.control === 'eca.settings.metadata-secrets-protection')!;
    expect(secrets.category).toBe('medium');
    const note = report.findings.find((f) => f.control === 'salesforce.health-check.SessionSettings.lockSessionsToDomain')!;
    expect(note).toMatchObject({ subject: 'acme', status: 'not_applicable', category: 'high', location: { line: 4 } });
  });

  it('a section or setting element it does not know is refused, naming it and its line, not silently skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-hc-'));
    const misspelt = join(dir, 'misspelt.xml');
    writeFileSync(misspelt, '<baseline name="x">\n  <highRiskSecuritySetting>\n    <booleanSetting name="eca.oauth-scope.least-privilege"/>\n  </highRiskSecuritySetting>\n</baseline>\n');
    await expect(reviewed({ baseline: misspelt })).rejects.toThrow(
      `invalid baseline: ${misspelt}:2: <baseline> holds <highRiskSecuritySetting>, which a Health Check baseline does not have; expected <highRiskSecuritySettings>, <mediumRiskSecuritySettings>, <lowRiskSecuritySettings>, <informationalSecuritySettings>`,
    );
    const setting = join(dir, 'setting.xml');
    writeFileSync(setting, '<baseline name="x">\n  <lowRiskSecuritySettings>\n    <boolSetting name="a"/>\n  </lowRiskSecuritySettings>\n</baseline>\n');
    expect(() => parseHealthCheckBaseline(setting, readFileSync(setting, 'utf8'), CONTROL_IDS)).toThrow(`${setting}:3: <lowRiskSecuritySettings> holds <boolSetting>`);
  });

  it('unmapped settings point at their own line whatever order the sections come in', () => {
    const text = [
      '<baseline name="x">',
      '  <lowRiskSecuritySettings>',
      '    <booleanSetting name="Low.one" compliant="true" nonCompliant="critical"/>',
      '  </lowRiskSecuritySettings>',
      '  <highRiskSecuritySettings>',
      '    <booleanSetting name="High.one" compliant="true" nonCompliant="critical"/>',
      '  </highRiskSecuritySettings>',
      '</baseline>',
      '',
    ].join('\n');
    const parsed = parseHealthCheckBaseline('order.xml', text, CONTROL_IDS);
    expect(parsed.unmapped.map((s) => [s.name, s.category, s.line])).toEqual([
      ['Low.one', 'low', 3],
      ['High.one', 'high', 6],
    ]);
  });

  it('a setting named twice, or a control placed by two settings, is refused with its line rather than the last section winning', () => {
    const wrap = (high: string, informational: string) =>
      `<baseline name="x">\n  <highRiskSecuritySettings>\n    ${high}\n  </highRiskSecuritySettings>\n  <informationalSecuritySettings>\n    ${informational}\n  </informationalSecuritySettings>\n</baseline>\n`;
    const scope = '<booleanSetting name="eca.oauth-scope.least-privilege" compliant="true" nonCompliant="critical"/>';
    expect(() => parseHealthCheckBaseline('twice.xml', wrap(scope, scope), CONTROL_IDS)).toThrow(
      'twice.xml:6: the setting eca.oauth-scope.least-privilege is named again (first on line 3)',
    );
    const other = '<booleanSetting name="Other.setting"/>';
    expect(() => parseHealthCheckBaseline('twice.xml', wrap(other, other), CONTROL_IDS)).toThrow('twice.xml:6: the setting Other.setting is named again (first on line 3)');
    const byId = '<booleanSetting name="eca.settings.metadata-secrets-protection"/>';
    const byName = '<booleanSetting name="ExternalClientApps.metadataApiAccess"/>';
    expect(() => parseHealthCheckBaseline('twice.xml', wrap(byId, byName), CONTROL_IDS)).toThrow(
      'twice.xml:6: ExternalClientApps.metadataApiAccess sets the category of eca.settings.metadata-secrets-protection, which eca.settings.metadata-secrets-protection on line 3 already set',
    );
  });

  it('a baseline with another root element is refused as a usage error', async () => {
    await expect(reviewed({ baseline: join(FIXTURES, 'acme/force-app/main/default/settings/OauthOidc.settings-meta.xml') })).rejects.toThrow(
      /invalid baseline: .*root element <baseline>, not <OauthOidcSettings>/,
    );
  });
});
