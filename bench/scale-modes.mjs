// Starts Keygate in one of the scale-out modes of issue 6 and hands the load generator what it
// needs (token URL, key, iss/sub/aud), plus the resident memory of every Keygate process.
//
//   node bench/scale-modes.mjs <mode> [--port 18181]   prints one JSON line, serves until SIGTERM
//   import { startMode, MODES } from './scale-modes.mjs'
//
// Modes:
//   sqlite                  one process, SQLite (WAL, synchronous=FULL, group commit)
//   sqlite-workers-2        `serve --workers 2` on one SQLite file
//   postgres-2              two instances on PostgreSQL: `serve --workers 2`, i.e. two processes,
//                           each with its own pool, cache and LISTEN connection; the primary
//                           deals each TCP connection to the next worker once (no per-request hop)
//   postgres-redis-2        the same with KEYGATE_REDIS_URL (replay, revocation cache, pub/sub)
//   postgres-2-proxy        two separate `serve` processes on ports port+1 and port+2 behind a
//   postgres-redis-2-proxy  round-robin TCP proxy on `port` (this process): closest to two hosts
//                           behind a load balancer, but the proxy copies every byte on the same
//                           cores as the servers and the load generator, so it costs throughput.
// PostgreSQL runs in a fresh database (keygate_bench_<random>) dropped on stop; Redis keys use
// the default `keygate:` prefix and expire on their own.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateKeyPairWithCertificate } from '../dist/platform/keygen.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE_URL = process.env.KEYGATE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.KEYGATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const MODES = ['sqlite', 'sqlite-workers-2', 'postgres-2', 'postgres-redis-2', 'postgres-2-proxy', 'postgres-redis-2-proxy'];

/** Resident memory of a process and all its descendants, in MB, from /proc. */
export function memoryOfTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i += 1) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  let rss = 0;
  let peak = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { processes: pids.length, rss_mb: Math.round(rss / 1024), peak_rss_mb: Math.round(peak / 1024) };
}

async function withPostgres(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function serve(dir, port, args, env) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/keygate.js'), 'serve', '--config', join(dir, 'keygate.yaml'), '--data', join(dir, 'data'), '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KEYGATE_LOG_LEVEL: 'warn', ...env } },
  );
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`keygate exited with ${code}`)));
    child.stdout.on('data', (d) => {
      if (String(d).includes('listening on')) resolve();
    });
  });
  return { child, ready };
}

/** A round-robin TCP proxy on loopback: each new connection goes to the next backend port. */
function roundRobinProxy(port, backends) {
  let next = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(backends[next++ % backends.length], '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export async function startMode(mode, { port = 18181 } = {}) {
  if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}; one of ${MODES.join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'keygate-scale-bench-'));
  const keys = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'bench', days: 30 });
  writeFileSync(join(dir, 'bench.key.pem'), keys.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'bench.crt.pem'), keys.certificatePem);
  // One audience for every mode: the port the load generator talks to.
  const baseUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'keygate.yaml'),
    JSON.stringify({
      org: { name: 'Bench', baseUrl },
      users: [{ username: 'bench@keygate.test', profile: 'Integration' }],
      apps: [
        {
          name: 'Bench',
          consumerKey: 'bench-app',
          certificates: [{ file: 'bench.crt.pem' }],
          flows: { jwtBearer: true },
          policies: { profiles: ['Integration'], trustedIpRanges: ['127.0.0.0/8'] },
        },
      ],
    }),
  );

  const env = {};
  let database = null;
  if (mode.startsWith('postgres')) {
    database = `keygate_bench_${randomBytes(5).toString('hex')}`;
    await withPostgres(DATABASE_URL, (c) => c.query(`create database ${database}`));
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    env.KEYGATE_DATABASE_URL = url.toString();
    if (mode.includes('redis')) env.KEYGATE_REDIS_URL = REDIS_URL;
  }

  const children = [];
  let proxy = null;
  if (mode.endsWith('-proxy')) {
    const first = serve(dir, port + 1, [], env);
    children.push(first.child);
    await first.ready;
    const second = serve(dir, port + 2, [], env);
    children.push(second.child);
    await second.ready;
    proxy = await roundRobinProxy(port, [port + 1, port + 2]);
  } else {
    const workers = mode === 'sqlite' ? [] : ['--workers', '2'];
    const one = serve(dir, port, workers, env);
    children.push(one.child);
    await one.ready;
  }

  return {
    mode,
    tokenUrl: `${baseUrl}/services/oauth2/token`,
    keyFile: join(dir, 'bench.key.pem'),
    iss: 'bench-app',
    sub: 'bench@keygate.test',
    aud: baseUrl,
    pids: children.map((c) => c.pid),
    /** Resident memory of every Keygate process of this mode (the proxy, when any, is this process and not counted). */
    memory() {
      const each = children.map((c) => memoryOfTree(c.pid));
      return {
        processes: each.reduce((n, m) => n + m.processes, 0),
        rss_mb: each.reduce((n, m) => n + m.rss_mb, 0),
        peak_rss_mb: each.reduce((n, m) => n + m.peak_rss_mb, 0),
      };
    },
    async stop() {
      proxy?.close();
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', resolve);
              c.kill('SIGTERM');
              setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      if (database) await withPostgres(DATABASE_URL, (c) => c.query(`drop database if exists ${database} with (force)`)).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string', default: '18181' } } });
  const target = await startMode(positionals[0] ?? 'sqlite', { port: Number(values.port) });
  const { memory, stop, ...shown } = target;
  console.log(JSON.stringify({ ...shown, memory: memory() }));
  const shutdown = () => stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
