/**
 * An encrypted signing key (docs/cli.md, `--key-passphrase-env`): `keygate assertion` and
 * `keygate token` open it with the passphrase from the environment variable the option names,
 * and never print the passphrase.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate } from './run-cli.js';

const PASSPHRASE = 'canary-passphrase-5f1d';
const dir = mkdtempSync(join(tmpdir(), 'keygate-encrypted-key-'));
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = join(dir, 'pkcs8.pem');
const sec1 = join(dir, 'sec1.pem');
const plain = join(dir, 'plain.pem');
writeFileSync(pkcs8, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }), { mode: 0o600 });
writeFileSync(sec1, privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }), { mode: 0o600 });
writeFileSync(plain, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

const assertion = (key: string, ...more: string[]) => [
  'assertion', '--client-id', 'erp-sync', '--username', 'erp@acme.test', '--audience', 'https://login.example.test', '--key', key, ...more,
];

describe('keygate assertion and token with an encrypted key', () => {
  beforeAll(ensureBuilt);

  it.each([['PKCS#8', pkcs8], ['SEC 1 with Proc-Type', sec1]])('opens an encrypted %s key with the passphrase from the named variable', async (_kind, file) => {
    const result = await keygate(assertion(file, '--key-passphrase-env', 'KG_TEST_PASSPHRASE'), { KG_TEST_PASSPHRASE: PASSPHRASE });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const { payload } = await compactVerify(result.stdout.trim(), publicKey);
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ iss: 'erp-sync', sub: 'erp@acme.test' });
  });

  it.each([
    [assertion(pkcs8), {}, 2, `keygate: ${pkcs8} is encrypted: name the environment variable holding its passphrase with --key-passphrase-env\n`],
    [assertion(pkcs8, '--key-passphrase-env', 'KG_TEST_UNSET'), {}, 2, 'keygate: --key-passphrase-env names KG_TEST_UNSET, which is not set\n'],
    [assertion(plain, '--key-passphrase-env', 'KG_TEST_PASSPHRASE'), { KG_TEST_PASSPHRASE: PASSPHRASE }, 2, `keygate: ${plain} is not an encrypted key; leave out --key-passphrase-env\n`],
    [assertion(pkcs8, '--key-passphrase-env', 'KG_TEST_PASSPHRASE'), { KG_TEST_PASSPHRASE: 'not-it' }, 1, `keygate: cannot open ${pkcs8} with the passphrase in KG_TEST_PASSPHRASE: wrong passphrase, or a damaged key\n`],
    [
      ['token', '--url', 'http://127.0.0.1:9', '--client-id', 'erp-sync', '--username', 'erp@acme.test', '--key', pkcs8, '--key-passphrase-env', 'KG_TEST_PASSPHRASE'],
      { KG_TEST_PASSPHRASE: 'not-it' },
      1,
      `keygate: cannot open ${pkcs8} with the passphrase in KG_TEST_PASSPHRASE: wrong passphrase, or a damaged key\n`,
    ],
  ])('%j is refused with one line and exit %#', async (args, env, code, stderr) => {
    const result = await keygate(args as string[], env as Record<string, string>);
    expect(result).toEqual({ code, stdout: '', stderr });
  });

  it('keygate token signs with the opened key and goes on to the server (nothing listens there)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await keygate(
      ['token', '--url', `http://127.0.0.1:${port}`, '--client-id', 'erp-sync', '--username', 'erp@acme.test', '--key', pkcs8, '--key-passphrase-env', 'KG_TEST_PASSPHRASE'],
      { KG_TEST_PASSPHRASE: PASSPHRASE },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`keygate: could not get a token from http://127.0.0.1:${port}: token endpoint unavailable after 4 attempt(s); last: no response (ECONNREFUSED)\n`);
    expect(result.stdout + result.stderr).not.toContain(PASSPHRASE);
  }, 30_000);
});
