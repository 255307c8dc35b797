/**
 * `keygate token --cache FILE` against a real Keygate: the token is written 0600 and reused
 * while fresh, so the second call makes no token request; a different user is not served from it.
 */
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate token --cache', () => {
  let dir: string;
  let server: RunningKeygate;
  let keyFile: string;
  let certificatePem: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-token-cache-'));
    const keys = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30 });
    keyFile = join(dir, 'erp.key.pem');
    await writeFile(keyFile, keys.privateKeyPem, { mode: 0o600 });
    certificatePem = keys.certificatePem;
    server = await buildKeygate(
      {
        dataDir: join(dir, 'data'),
        host: '127.0.0.1',
        port: 0,
        log: createLogger({ level: 'silent' }),
        config: parseConfig(
          JSON.stringify({
            org: { baseUrl: 'http://127.0.0.1' },
            users: [{ username: 'erp@acme.test', profile: 'Integration' }, { username: 'other@acme.test', profile: 'Integration' }],
            apps: [{ name: 'ERP', consumerKey: 'erp', certificates: [{ pem: keys.certificatePem }], flows: { jwtBearer: true }, policies: { profiles: ['Integration'] } }],
          }),
          { baseDir: dir, env: {} },
        ),
      },
      true,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const successes = async () => (await server.services.history.queryLoginHistory({ outcome: 'success' })).total;

  it('writes the token 0600, reuses it while fresh, and keys it by server, app and user', async () => {
    const cache = join(dir, 'token-cache.json');
    const args = ['token', '--url', server.url, '--audience', 'http://127.0.0.1', '--client-id', 'erp', '--key', keyFile, '--cache', cache];
    const first = await keygate([...args, '--username', 'erp@acme.test']);
    expect(first.code, first.stderr).toBe(0);
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect(await successes()).toBe(1);

    const second = await keygate([...args, '--username', 'erp@acme.test']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).access_token).toBe(JSON.parse(first.stdout).access_token);
    expect(await successes()).toBe(1);

    const other = await keygate([...args, '--username', 'other@acme.test']);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).access_token).not.toBe(JSON.parse(first.stdout).access_token);
    expect(await successes()).toBe(2);
  });

  it('does not answer for another key or audience: the server checks them, so a key the app does not hold is refused', async () => {
    const cache = join(dir, 'key-cache.json');
    const otherKeyFile = join(dir, 'other.key.pem');
    const other = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'other', days: 30 });
    await writeFile(otherKeyFile, other.privateKeyPem, { mode: 0o600 });
    const args = ['token', '--url', server.url, '--client-id', 'erp', '--username', 'erp@acme.test', '--cache', cache];
    const first = await keygate([...args, '--audience', 'http://127.0.0.1', '--key', keyFile]);
    expect(first.code, first.stderr).toBe(0);

    const otherKey = await keygate([...args, '--audience', 'http://127.0.0.1', '--key', otherKeyFile]);
    expect(otherKey).toEqual({ code: 1, stdout: '', stderr: 'keygate: the server refused the token request: invalid_grant (invalid assertion)\n' });
    const otherAudience = await keygate([...args, '--audience', 'https://login.salesforce.com', '--key', keyFile]);
    expect(otherAudience).toEqual({ code: 1, stdout: '', stderr: 'keygate: the server refused the token request: invalid_grant (audience is invalid)\n' });

    const again = await keygate([...args, '--audience', 'http://127.0.0.1', '--key', keyFile]);
    expect(JSON.parse(again.stdout).access_token).toBe(JSON.parse(first.stdout).access_token);
  });

  it('RFC 6749 §5.1: a token served from the cache carries the seconds it has left as expires_in, not its first lifetime', async () => {
    const cache = join(dir, 'age-cache.json');
    const args = ['token', '--url', server.url, '--audience', 'http://127.0.0.1', '--client-id', 'erp', '--username', 'erp@acme.test', '--key', keyFile, '--cache', cache];
    const first = await keygate(args);
    expect(JSON.parse(first.stdout).expires_in).toBe(3600);
    // Age the cached token: ten minutes left.
    const cached = JSON.parse(await readFile(cache, 'utf8'));
    await writeFile(cache, JSON.stringify({ ...cached, expiresAtMs: Date.now() + 600_000 }), { mode: 0o600 });

    const second = await keygate(args);
    const token = JSON.parse(second.stdout);
    expect(token.access_token).toBe(JSON.parse(first.stdout).access_token);
    expect(token.expires_in).toBeGreaterThanOrEqual(590);
    expect(token.expires_in).toBeLessThanOrEqual(600);
  });

  it('keys a PEM bundle by its private key, not the certificate beside it: a new key still bundled with the old certificate reaches the server', async () => {
    const cache = join(dir, 'bundle-cache.json');
    const bundleFile = join(dir, 'erp.bundle.pem');
    const newBundleFile = join(dir, 'new-key-old-cert.bundle.pem');
    const newKey = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30 });
    await writeFile(bundleFile, (await readFile(keyFile, 'utf8')) + certificatePem, { mode: 0o600 });
    await writeFile(newBundleFile, newKey.privateKeyPem + certificatePem, { mode: 0o600 });
    const args = ['token', '--url', server.url, '--audience', 'http://127.0.0.1', '--client-id', 'erp', '--username', 'erp@acme.test', '--cache', cache];
    const first = await keygate([...args, '--key', bundleFile]);
    expect(first.code, first.stderr).toBe(0);

    const newKeyBundle = await keygate([...args, '--key', newBundleFile]);
    expect(newKeyBundle).toEqual({ code: 1, stdout: '', stderr: 'keygate: the server refused the token request: invalid_grant (invalid assertion)\n' });
  });

  it('an existing cache file that others can read is replaced by one only its owner can read', async () => {
    const cache = join(dir, 'shared-cache.json');
    await writeFile(cache, '', { mode: 0o644 });
    await chmod(cache, 0o644);
    const result = await keygate(['token', '--url', server.url, '--audience', 'http://127.0.0.1', '--client-id', 'erp', '--key', keyFile, '--cache', cache, '--username', 'erp@acme.test']);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(cache, 'utf8')).token.access_token).toBe(JSON.parse(result.stdout).access_token);
    expect((await readdir(dir)).filter((name) => name.startsWith('shared-cache.json.'))).toEqual([]);
  });

  it('prints the token and warns in one line when the cache cannot be written', async () => {
    const cache = join(dir, 'no-such-folder', 'token-cache.json');
    const result = await keygate(['token', '--url', server.url, '--audience', 'http://127.0.0.1', '--client-id', 'erp', '--key', keyFile, '--cache', cache, '--username', 'erp@acme.test']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).access_token).toEqual(expect.any(String));
    expect(result.stderr).toBe(`keygate: warning: cannot write the token cache ${cache}: ENOENT\n`);
  });
});
