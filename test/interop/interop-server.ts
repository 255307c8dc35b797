/**
 * A Keygate server for the interop tests: the real composition root listening on a loopback
 * port chosen by the system, on the real clock (real clients sign with the system time), with
 * the org's base URL set to the address it listens on. Clients that follow `instance_url` and
 * the identity URL (jsforce, the Salesforce CLI) therefore come back to this server, and an
 * assertion's `aud` is that address.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { generateKeyPairWithCertificate, type GeneratedKeyPair, type KeygenAlgorithm } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';

export interface InteropServer {
  readonly server: RunningKeygate;
  /** http://127.0.0.1:PORT: the base URL, issuer and `instance_url`. */
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** A key pair and certificate valid from a minute ago for 30 days. */
export function makeKey(alg: KeygenAlgorithm, subject: string): Promise<GeneratedKeyPair> {
  return generateKeyPairWithCertificate({ alg, subject, days: 30, notBefore: new Date(Date.now() - 60_000) });
}

/**
 * Starts Keygate with `config` (the `keygate.yaml` shape; `org.baseUrl` is filled in) and
 * `env` for the secrets it names. The data directory is removed on close.
 */
export async function startInteropServer(
  config: { org?: Record<string, unknown>; users?: unknown[]; apps?: unknown[] },
  env: Record<string, string> = {},
): Promise<InteropServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-interop-'));
  try {
    const declared = parseConfig(JSON.stringify({ ...config, org: { baseUrl: 'http://127.0.0.1', ...config.org } }), { baseDir: dataDir, env });
    const server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), config: declared });
    // The port is known only now; the directory reloads before upsert returns.
    await server.services.orgs.upsert({ baseUrl: server.url });
    return {
      server,
      url: server.url,
      dataDir,
      async close() {
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
