/**
 * Usage errors (docs/cli.md, "Exit codes"): one line on stderr beginning `keygate: `, exit 2,
 * nothing on stdout, whichever layer finds the mistake.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate } from './run-cli.js';

/** A private key file the CLI can sign with. */
const USABLE_KEY_FILE = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'keygate-usage-key-')), 'k.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
})();

describe('CLI usage errors', () => {
  beforeAll(ensureBuilt);

  it.each([
    [['bogus'], "keygate: unknown command 'bogus'"],
    [['keygen'], "keygate: required option '--out <prefix>' not specified"],
    [['app', 'list', '--bogus'], "keygate: unknown option '--bogus'"],
    [['serve', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], 'keygate: cannot read --tls-cert /nonexistent/cert.pem: ENOENT'],
    [['serve', '--tls-cert', '/nonexistent/cert.pem'], 'keygate: --tls-cert and --tls-key go together'],
    [['token', '--url', 'notaurl', '--client-id', 'erp', '--username', 'u@acme.test', '--key', 'k.pem'], 'keygate: --url must be an absolute http(s) URL'],
    [['token', '--url', 'http://127.0.0.1:9', '--client-id', 'erp', '--username', 'u@acme.test', '--key', '/nonexistent/k.pem'], 'keygate: cannot read the key file /nonexistent/k.pem: ENOENT'],
    // A usable key, so that only the empty option is wrong.
    [['token', '--url', 'http://127.0.0.1:9', '--client-id', '', '--username', 'u@acme.test', '--key', USABLE_KEY_FILE], 'keygate: --client-id must not be empty'],
    [['token', '--url', 'http://127.0.0.1:9', '--client-id', 'erp', '--username', '', '--key', USABLE_KEY_FILE], 'keygate: --username must not be empty'],
  ])('keygate %j: exit 2 and one line', async (args, line) => {
    const result = await keygate(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith(line)).toBe(true);
  });

  it.each([
    [['--base-url', 'notaurl'], 'keygate: --base-url: must be an http(s) URL\n'],
    [['--base-url', 'https://kg.test/?x=1'], 'keygate: --base-url: must not have a query or a fragment\n'],
    [['--admin', ''], 'keygate: --admin: must not be empty\n'],
  ])('init %j: a bad option value is exit 2, named by its option, and leaves no data directory', async (args, line) => {
    const parent = mkdtempSync(join(tmpdir(), 'keygate-init-usage-'));
    const dataDir = join(parent, 'data');
    try {
      const result = await keygate(['init', '--data', dataDir, ...args]);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 2, stdout: '', stderr: line });
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('a data directory that cannot be created ends the command at once with one line, even under /proc', async () => {
    // Node's recursive mkdir never returns there; the CLI must not hang on it.
    const result = await keygate(['init', '--data', '/proc/keygate-test/data', '--base-url', 'http://127.0.0.1:8080']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("keygate: ENOENT: no such file or directory, mkdir '/proc/keygate-test'\n");
  }, 20_000);

  describe("a review's own input files are named for what they are, not as the configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-review-inputs-'));
    const metadata = 'test/fixtures/salesforce/acme/force-app';
    const baseline = join(dir, 'strict.yaml');
    const accepted = join(dir, 'accepted.yaml');
    writeFileSync(baseline, 'thresholds:\n  maxSessionTimeoutMinutes: 0\n');
    writeFileSync(accepted, '- control: eca.nope\n  subject: a\n  reason: r\n  owner: o\n  expires: 2030-01-01\n');

    it.each([
      [['--baseline', baseline], `keygate: invalid baseline: ${baseline}: thresholds.maxSessionTimeoutMinutes: Too small: expected number to be >=1\n`],
      [['--baseline', join(dir, 'missing.yaml')], `keygate: invalid baseline: ${join(dir, 'missing.yaml')}: cannot read the file (ENOENT)\n`],
      [['--accepted-risks', accepted], `keygate: invalid accepted risks: ${accepted}: 0.control: no control has the id "eca.nope"\n`],
      [['--accepted-risks', join(dir, 'missing.yaml')], `keygate: invalid accepted risks: ${join(dir, 'missing.yaml')}: cannot read the file (ENOENT)\n`],
    ])('review %j: exit 2 and the line', async (args, line) => {
      const result = await keygate(['review', '--salesforce', metadata, ...args]);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 2, stdout: '', stderr: line });
    });
  });
});
