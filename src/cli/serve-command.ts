/** `keygate serve`: apply the configuration file (if any) and serve HTTP(S). */
import cluster from 'node:cluster';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Command } from 'commander';
import { applyConfig, type ApplyResult } from '../admin/apply-config.js';
import { loadConfigFile } from '../config/load.js';
import { readEnvironment } from '../config/environment.js';
import { createLogger } from '../platform/logger.js';
import { makeDirectory } from '../platform/make-directory.js';
import { buildKeygate, checkListenSafety, openKeygate, serverUrl } from '../main.js';
import { writeCliProfile } from './cli-profile.js';
import { lockDataDirectory } from './serve-lock.js';
import { takeHandedConnections } from './connection-handoff.js';
import { printLine, warn } from './output.js';
import { parsePort, parsePositiveInt, parseTrustedProxies, readNamedFile } from './parse.js';
import { CliError } from './cli-error.js';
import { runWorkerPrimary } from './serve-workers.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('apply the configuration file, then serve the OAuth endpoints, admin API and console')
    .option('--config <file>', 'declarative configuration (YAML), applied idempotently at start-up')
    .option('--data <dir>', 'data directory (SQLite database, keys)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--prune', 'delete apps and users the configuration file does not declare, and certificates and secrets it no longer lists', false)
    .option('--tls-cert <file>', 'serve HTTPS with this certificate chain (PEM)')
    .option('--tls-key <file>', 'private key for --tls-cert (PEM)')
    .option('--trusted-proxy <cidr...>', 'reverse proxies whose X-Forwarded-For is believed')
    .option('--insecure-http', 'allow plain HTTP on a non-loopback address', false)
    .option('--workers <n>', 'processes sharing the port (node:cluster), on SQLite or PostgreSQL', '1')
    .action(async (opts: ServeOptions) => {
      const env = readEnvironment();
      const dataDir = opts.data ?? env.dataDir ?? '.keygate';
      const config = opts.config ? loadConfigFile(opts.config, env.all) : undefined;
      const storage = { dataDir, databaseUrl: env.databaseUrl ?? config?.storage?.url, redisUrl: env.redisUrl };
      const workers = parsePositiveInt(opts.workers, '--workers');
      const host = opts.host;
      const port = parsePort(opts.port);
      const tls = readTls(opts.tlsCert, opts.tlsKey);
      const trustedProxies = parseTrustedProxies(opts.trustedProxy);
      if (cluster.isPrimary) await requireFreeAddress(host, port);
      // SQLite is one machine's database: one server tree per data directory.
      if ((!storage.databaseUrl || storage.databaseUrl.startsWith('sqlite:')) && cluster.isPrimary) {
        makeDirectory(dataDir, 0o700);
        lockDataDirectory(dataDir);
        warnIfOthersCanRead(join(dataDir, 'keygate.db'));
      }
      const announce = (url: string) => {
        // On PostgreSQL nothing else creates the data directory.
        makeDirectory(dataDir, 0o700);
        writeCliProfile(dataDir, { url });
        printLine(`keygate listening on ${url}`);
      };
      if (workers > 1 && cluster.isPrimary) {
        checkListenSafety({ host, tls, insecureHttp: opts.insecureHttp });
        return runWorkerPrimary({
          workers,
          host,
          port,
          // Migrate and apply the configuration once, before the workers race to do it.
          prepare: async () => {
            const core = await openKeygate(storage);
            try {
              if (config) reportApplied(await applyConfig(core.services, config, { prune: opts.prune }));
            } finally {
              await core.close();
            }
          },
          onListening: (bound) => announce(serverUrl(host, bound, tls !== undefined)),
        });
      }
      const log = createLogger({ level: env.logLevel ?? 'info' });
      // A worker does not listen: the primary hands it connections.
      const server = await buildKeygate(
        {
          ...storage,
          host,
          port,
          log,
          config,
          prune: opts.prune,
          configApplied: cluster.isWorker,
          tls,
          trustedProxies,
          insecureHttp: opts.insecureHttp,
        },
        !cluster.isWorker,
      );
      if (server.applied) reportApplied(server.applied);
      if (cluster.isWorker) takeHandedConnections(server.app.server);
      else announce(server.url);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** `--tls-cert` and `--tls-key`: both or neither, each a readable file, one key pair (else a usage error). */
function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: string; key: string } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new CliError('--tls-cert and --tls-key go together', 2);
  const tls = { cert: readNamedFile(certFile, `--tls-cert ${certFile}`), key: readNamedFile(keyFile, `--tls-key ${keyFile}`) };
  try {
    createSecureContext(tls);
  } catch {
    throw new CliError(`--tls-cert ${certFile} and --tls-key ${keyFile} are not one PEM certificate and its private key`, 2);
  }
  return tls;
}

/**
 * Fails before the configuration is applied when the address is taken, so that a server that
 * cannot listen changes nothing. (A port taken in between is still refused by the listen.)
 */
function requireFreeAddress(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new CliError(`cannot listen on ${serverUrl(host, port, false).slice('http://'.length)}: ${err.code ?? err.message}`)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

interface ServeOptions {
  config?: string;
  data?: string;
  host: string;
  port: string;
  prune: boolean;
  tlsCert?: string;
  tlsKey?: string;
  trustedProxy?: string[];
  insecureHttp: boolean;
  workers: string;
}

/** One line of counts, and a warning for each certificate or secret the file no longer lists but that stays. */
/**
 * Warns when the SQLite file, which holds the server's signing key, is open to other users: a
 * file from before Keygate created it 0600, or one copied or restored with a wider mode. It is
 * the operator's file to change, so the mode is named, not changed.
 */
function warnIfOthersCanRead(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return; // not created yet: it will be created 0600
  }
  if ((mode & 0o077) !== 0) {
    warn(`keygate: warning: ${file} is open to other users (mode ${mode.toString(8).padStart(4, '0')}) and holds the server's signing key: make it and its -wal and -shm files readable by their owner only (chmod 600)`);
  }
}

function reportApplied({ created, updated, removed, undeclared, kept }: ApplyResult): void {
  printLine(`configuration applied: ${created.length} created, ${updated.length} updated, ${removed.length} removed`);
  for (const name of undeclared) warn(`keygate: warning: ${name} is not in the configuration file and stays; --prune removes it`);
  // Each name says why it was kept (an admin way in, or a run-as user an app still names).
  for (const name of kept) warn(`keygate: warning: --prune kept ${name}, though the configuration file does not declare it; delete it by name if it should go`);
}
