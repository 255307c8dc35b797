/**
 * `keygate token` when the token endpoint says no or cannot answer (docs/cli.md, "Exit codes and
 * errors"): one line on stderr beginning `keygate: `, exit 1, nothing on stdout, never the
 * assertion, and a refusal is not retried. The endpoint is a stand-in, so the test controls
 * exactly what the server sends, as a server other than Keygate could.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { type EndpointStub, startEndpointStub } from '../client/token-endpoint-stub.js';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate token: refusals and failures', () => {
  let dir: string;
  let keyFile: string;
  let stub: EndpointStub;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-token-errors-'));
    keyFile = join(dir, 'erp.key.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    stub = await startEndpointStub();
  });
  afterEach(() => stub.close());

  const token = () => keygate(['token', '--url', stub.url, '--client-id', 'erp', '--username', 'erp@acme.test', '--key', keyFile]);

  it('RFC 6749 §5.2: a refusal is one line with the error and its description, exit 1, sent once, without the assertion', async () => {
    stub.enqueue({ status: 400, json: { error: 'invalid_grant', error_description: 'invalid assertion' } });
    const result = await token();
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'keygate: the server refused the token request: invalid_grant (invalid assertion)\n' });
    expect(stub.requests).toHaveLength(1);
    expect(result.stderr).not.toContain(stub.requests[0]!.form.get('assertion'));
  });

  it("a server's description with line breaks and terminal escapes still prints as one line without control characters", async () => {
    stub.enqueue({ status: 400, json: { error: 'invalid_grant', error_description: 'bad\r\nkeygate: all is well\u001b[2K\u0007' } });
    const result = await token();
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'keygate: the server refused the token request: invalid_grant (bad  keygate: all is well [2K )\n',
    });
  });

  it('a key file holding a certificate is named in one line, exit 1, and nothing is sent', async () => {
    const certificateFile = join(dir, 'erp.crt.pem');
    const { certificatePem } = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30 });
    await writeFile(certificateFile, certificatePem);
    const result = await keygate(['token', '--url', stub.url, '--client-id', 'erp', '--username', 'erp@acme.test', '--key', certificateFile]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `keygate: cannot sign with ${certificateFile}: expected a private key but got a certificate\n` });
    expect(stub.requests).toHaveLength(0);
  });
});
