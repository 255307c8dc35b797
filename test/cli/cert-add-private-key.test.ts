/**
 * `keygate cert add` sends only a certificate, never a private key (docs/cli.md, docs/migrate-
 * from-secret.md step 2). Handing it the key file, or a PEM bundle holding the key beside the
 * certificate, is refused on the integrator's machine, before any request: the server would
 * refuse the key too, but by then it would have crossed the wire. The server here is a stand-in
 * that records every request, so "nothing was sent" is observed, not assumed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { type EndpointStub, startEndpointStub } from '../client/token-endpoint-stub.js';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate cert add: a private key never leaves the machine', () => {
  let dir: string;
  let stub: EndpointStub;
  let keyFile: string;
  let bundleFile: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-cert-add-key-'));
    const init = await keygate(['init', '--data', join(dir, 'data'), '--base-url', 'http://127.0.0.1:8080']);
    expect(init.code, init.stderr).toBe(0);
    const keys = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30 });
    keyFile = join(dir, 'erp.key.pem');
    bundleFile = join(dir, 'erp.bundle.pem');
    await writeFile(keyFile, keys.privateKeyPem, { mode: 0o600 });
    await writeFile(bundleFile, `${keys.certificatePem}${keys.privateKeyPem}`, { mode: 0o600 });
    stub = await startEndpointStub();
  }, 120_000);

  afterAll(async () => {
    await stub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['the private key file', () => keyFile],
    ['a bundle of the certificate and its private key', () => bundleFile],
  ])('%s: one line, exit 1, and no request at all', async (_, file) => {
    const result = await keygate(['cert', 'add', '--app', 'ERP', file(), '--data', join(dir, 'data'), '--url', stub.url]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `keygate: ${file()} holds a private key: cert add uploads only the certificate (the .crt.pem file keygen wrote); nothing was sent\n`,
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('cert inspect of the bundle names the private key instead of counting PEM blocks, and prints nothing of it', async () => {
    const result = await keygate(['cert', 'inspect', bundleFile]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `keygate: ${bundleFile}: the file holds a private key beside the certificate; keep the key apart and inspect the certificate alone\n`,
    });
  });
});
