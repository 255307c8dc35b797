/**
 * `keygate serve` checks what can be checked before it opens storage or applies the
 * configuration, so that a server that cannot start changes nothing: the address is free,
 * `--tls-cert` and `--tls-key` are one key pair, and each `--trusted-proxy` is an address or range.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate } from './run-cli.js';

describe('keygate serve: checks before anything is written', () => {
  let dir: string;
  let taken: Server;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-serve-checks-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    for (const name of ['a', 'b']) expect((await keygate(['keygen', '--out', join(dir, name)])).code).toBe(0);
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('an address in use ends start-up before the data directory is touched', async () => {
    const port = (taken.address() as AddressInfo).port;
    const dataDir = join(dir, 'data-port');
    const result = await keygate(['serve', '--data', dataDir, '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`keygate: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a --tls-key that is not the --tls-cert key is a usage error, before the data directory is touched', async () => {
    const dataDir = join(dir, 'data-tls');
    const [cert, key] = [join(dir, 'a.crt.pem'), join(dir, 'b.key.pem')];
    const result = await keygate(['serve', '--data', dataDir, '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`keygate: --tls-cert ${cert} and --tls-key ${key} are not one PEM certificate and its private key\n`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a --trusted-proxy that is no IP address or CIDR range is a usage error, before the configuration is applied', async () => {
    const dataDir = join(dir, 'data-proxy');
    const config = join(dir, 'keygate.yaml');
    await writeFile(config, 'org:\n  baseUrl: http://127.0.0.1:8080\n');
    for (const workers of ['1', '2']) {
      const result = await keygate(['serve', '--config', config, '--data', dataDir, '--port', '0', '--workers', workers, '--trusted-proxy', '10.0.0.0/24', 'banana']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('keygate: --trusted-proxy takes IP addresses or CIDR ranges such as 10.0.0.0/24, not "banana"\n');
      expect(result.stdout).toBe('');
      expect(existsSync(dataDir)).toBe(false);
    }
    const range = await keygate(['serve', '--data', dataDir, '--port', '0', '--trusted-proxy', '127.0.0.1/33']);
    expect(range.code).toBe(2);
    expect(range.stderr).toBe('keygate: --trusted-proxy takes IP addresses or CIDR ranges such as 10.0.0.0/24, not "127.0.0.1/33"\n');
    expect(existsSync(dataDir)).toBe(false);
  });
});
