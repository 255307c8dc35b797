/**
 * `keygate review` as a function: the offline `--config` source beside `--salesforce`, option
 * checks, and the place the online review of the running server plugs in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/cli-error.js';
import { runReviewCommand, SNAPSHOT_SOURCES, type ReviewCommandIo } from '../../../src/cli/review-command.js';
import { indexElementLines, scanXml, XmlSyntaxError } from '../../../src/review/sources/salesforce/metadata-xml.js';
import { tokenizeScopes } from '../../../src/review/sources/salesforce/from-salesforce.js';
import { REVIEWED_AT } from './fixtures.js';

const YAML = `org:
  name: Acme
  baseUrl: https://keygate.example.com
users:
  - username: admin@example.com
    profile: System Administrator
    permissions: [ModifyAllData]
apps:
  - name: legacy-crm
    flows:
      clientCredentials: true
    consumerSecretEnv: CRM_SECRET
    clientCredentialsRunAs: admin@example.com
    scopes: [api, full]
`;

function io(): { io: ReviewCommandIo; out: string[] } {
  const out: string[] = [];
  return { out, io: { stdout: (t) => out.push(t), stderr: () => undefined, now: () => REVIEWED_AT, interactive: false, env: { CRM_SECRET: 's'.repeat(40) } } };
}

describe('keygate review --config', () => {
  it('reviews a keygate.yaml offline through the same catalogue; Salesforce-only controls are not applicable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-review-cmd-'));
    writeFileSync(join(dir, 'keygate.yaml'), YAML);
    const { io: captured, out } = io();
    const code = await runReviewCommand({ config: join(dir, 'keygate.yaml'), format: 'json', failOn: 'high' }, captured);
    expect(code).toBe(3);
    const report = JSON.parse(out.join('')) as { source: string; findings: { control: string; status: string }[] };
    expect(report.source).toBe('keygate-config');
    for (const id of ['eca.security.pkce-required', 'eca.security.refresh-token-rotation', 'eca.policy.refresh-token-lifetime', 'eca.settings.metadata-secrets-protection', 'eca.settings.rest-api-secret-masking', 'org.permissions.use-any-api-client']) {
      expect(report.findings.filter((f) => f.control === id).map((f) => f.status), id).toEqual(['not_applicable']);
    }
    expect(report.findings.find((f) => f.control === 'eca.oauth-flow.jwt-bearer-enabled')!.status).toBe('fail');
  });

  it('runs without the secrets the file names, as a pull-request check would, and still sees them declared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-review-cmd-'));
    writeFileSync(join(dir, 'keygate.yaml'), YAML);
    const { io: captured, out } = io();
    const code = await runReviewCommand({ config: join(dir, 'keygate.yaml'), format: 'json', failOn: 'high' }, { ...captured, env: {} });
    expect(code).toBe(3);
    const report = JSON.parse(out.join('')) as { findings: { control: string; app?: string; status: string }[] };
    expect(report.findings.find((f) => f.control === 'eca.oauth-flow.jwt-bearer-enabled')!.status).toBe('fail');
    const withSecret = { ...captured, stdout: () => undefined };
    expect(await runReviewCommand({ config: join(dir, 'keygate.yaml'), format: 'json', failOn: 'high' }, withSecret)).toBe(code);
  });

  it('--accepted-risks turns a matching failing finding into accepted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-review-cmd-'));
    writeFileSync(join(dir, 'keygate.yaml'), YAML);
    const expires = new Date(REVIEWED_AT.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(
      join(dir, 'accepted.yaml'),
      `acceptedRisks:\n  - control: eca.oauth-scope.least-privilege\n    subject: legacy-crm\n    reason: vendor narrows scopes in release 7\n    owner: ana@example.com\n    expires: ${expires}\n`,
    );
    const { io: captured, out } = io();
    await runReviewCommand({ config: join(dir, 'keygate.yaml'), format: 'json', acceptedRisks: join(dir, 'accepted.yaml') }, captured);
    const report = JSON.parse(out.join('')) as { findings: { control: string; status: string }[] };
    expect(report.findings.find((f) => f.control === 'eca.oauth-scope.least-privilege')!.status).toBe('accepted');
  });

  it('refuses --config together with --salesforce (exit 2)', async () => {
    await expect(runReviewCommand({ config: 'a.yaml', salesforce: 'force-app' }, io().io)).rejects.toSatisfy((e: unknown) => e instanceof CliError && e.exitCode === 2);
  });

  it('without an offline source, reviews the running server named by the data directory', async () => {
    expect(Object.keys(SNAPSHOT_SOURCES).sort()).toEqual(['config', 'salesforce']);
    const empty = mkdtempSync(join(tmpdir(), 'keygate-no-server-'));
    await expect(runReviewCommand({ data: empty }, io().io)).rejects.toThrow(/has no admin credentials: run `keygate init/);
  });
});

describe('metadata reading details', () => {
  it('records the line of every opening tag, skipping comments, CDATA and the declaration', () => {
    const lines = indexElementLines('<?xml version="1.0"?>\n<!-- <scopes> -->\n<A>\n  <scopes>Api</scopes>\n  <![CDATA[<scopes>]]>\n  <scopes>Web</scopes>\n</A>\n');
    expect([lines.of('A'), lines.of('scopes'), lines.of('scopes', 1), lines.of('scopes', 2)]).toEqual([3, 4, 6, undefined]);
  });

  it('refuses XML that is not well-formed, naming the line', () => {
    const cases: [string, string, number][] = [
      ['<A>\n  <b>x</c>\n</A>', 'closing tag </c> does not match <b>', 2],
      ['<A>\n  <b>fish & chips</b>\n</A>', 'a bare "&"', 2],
      ['<!DOCTYPE A [<!ENTITY x "y">]>\n<A/>', 'DOCTYPE', 1],
      ['<A/>\n<B/>', '<B> after the root element has closed', 2],
      ['<A>\n  <b>\n</A>', 'closing tag </A> does not match <b>', 3],
      ['<A>\n  <b x=1/>\n</A>', 'a malformed start tag', 2],
      ['<A>\n', '<A> is never closed', 2],
      ['stray <A/>', 'text outside the root element', 1],
    ];
    for (const [xml, message, line] of cases) {
      let error: unknown;
      try {
        scanXml(xml);
      } catch (err) {
        error = err;
      }
      expect(error, xml).toBeInstanceOf(XmlSyntaxError);
      expect([(error as XmlSyntaxError).message, (error as XmlSyntaxError).line], xml).toEqual([expect.stringContaining(message), line]);
    }
    expect(() => scanXml('\ufeff<?xml version="1.0"?>\n<A x="1" y=\'2\'><b>&amp;&#38;&#x26;</b><![CDATA[<&>]]><c/></A>\n')).not.toThrow();
  });

  it('finds the lines of a one-line (minified) file in linear time', () => {
    const entry = '<userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions>';
    const text = `<Profile>${entry.repeat(80_000)}</Profile>`;
    expect(text.length).toBeGreaterThan(6_000_000);
    // Searching for the next newline on every tag took seconds here (a minute at 12 MB).
    const started = performance.now();
    const lines = scanXml(text);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(lines.of('name', 79_999)).toBe(1);
  });

  it('tokenises scope lists leniently', () => {
    expect(tokenizeScopes('Api, Web,Full ,RefreshToken;  CustomScope_1')).toEqual(['api', 'web', 'full', 'refresh_token', 'customscope_1']);
  });
});
