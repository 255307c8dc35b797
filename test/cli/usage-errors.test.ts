/**
 * Usage errors (docs/cli.md, "Exit codes"): one line on stderr beginning `keygate: `, exit 2,
 * nothing on stdout, whichever layer finds the mistake.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate } from './run-cli.js';

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
  ])('keygate %j: exit 2 and one line', async (args, line) => {
    const result = await keygate(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith(line)).toBe(true);
  });

  it('a data directory that cannot be created ends the command at once with one line, even under /proc', async () => {
    // Node's recursive mkdir never returns there; the CLI must not hang on it.
    const result = await keygate(['init', '--data', '/proc/keygate-test/data', '--base-url', 'http://127.0.0.1:8080']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("keygate: ENOENT: no such file or directory, mkdir '/proc/keygate-test'\n");
  }, 20_000);
});
