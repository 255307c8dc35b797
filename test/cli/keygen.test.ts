/**
 * `keygate keygen` (docs/cli.md): a private key (0600) and its self-signed certificate, both or
 * neither; an existing file is never replaced.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate } from './run-cli.js';

const newPrefix = () => join(mkdtempSync(join(tmpdir(), 'keygate-keygen-')), 'erp');

describe('keygate keygen', () => {
  beforeAll(ensureBuilt);

  it('writes a 0600 PKCS#8 key and a certificate for the same key, and prints its fingerprint', async () => {
    const prefix = newPrefix();
    const result = await keygate(['keygen', '--out', prefix, '--alg', 'ES256', '--subject', 'erp-sync', '--days', '30']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(statSync(`${prefix}.key.pem`).mode & 0o777).toBe(0o600);
    const key = readFileSync(`${prefix}.key.pem`, 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const cert = new X509Certificate(readFileSync(`${prefix}.crt.pem`));
    expect(cert.subject).toBe('CN=erp-sync');
    expect(cert.publicKey.export({ format: 'jwk' })).toEqual(createPublicKey(createPrivateKey(key)).export({ format: 'jwk' }));
    expect(result.stdout).toContain(`SHA-256 fingerprint: ${cert.fingerprint256}`);
  });

  it('refuses an existing key file and writes no certificate', async () => {
    const prefix = newPrefix();
    writeFileSync(`${prefix}.key.pem`, 'the key in use\n');
    const result = await keygate(['keygen', '--out', prefix]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `keygate: ${prefix}.key.pem already exists; refusing to overwrite it (nothing was written)\n` });
    expect(readFileSync(`${prefix}.key.pem`, 'utf8')).toBe('the key in use\n');
    expect(existsSync(`${prefix}.crt.pem`)).toBe(false);
  });

  it('refuses an existing certificate file, leaves it as it was and takes the new key away again', async () => {
    const prefix = newPrefix();
    writeFileSync(`${prefix}.crt.pem`, 'the certificate in use\n');
    const result = await keygate(['keygen', '--out', prefix]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `keygate: ${prefix}.crt.pem already exists; refusing to overwrite it (nothing was written)\n` });
    expect(readFileSync(`${prefix}.crt.pem`, 'utf8')).toBe('the certificate in use\n');
    expect(existsSync(`${prefix}.key.pem`)).toBe(false);
  });

  it('names the system error when the folder does not exist', async () => {
    const prefix = join(newPrefix(), 'missing', 'erp');
    const result = await keygate(['keygen', '--out', prefix]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `keygate: cannot write ${prefix}.key.pem: ENOENT (nothing was written)\n` });
  });
});
