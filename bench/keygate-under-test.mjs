// Starts a Keygate server for the benchmark in a child process: SQLite with its durable
// defaults (WAL, synchronous=FULL), login history on, one app on the JWT Bearer flow with a
// fresh RSA-2048 key. Resolves to what the load generator needs, and a way to read its memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairWithCertificate } from '../dist/platform/keygen.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Resident and peak memory of a process, in MB, from /proc. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss_mb: Math.round(kb('VmRSS') / 1024), peak_rss_mb: Math.round(kb('VmHWM') / 1024) };
}

export async function startKeygate({ port, extraArgs = [], env = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'keygate-bench-'));
  const keys = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'bench', days: 30 });
  writeFileSync(join(dir, 'bench.key.pem'), keys.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'bench.crt.pem'), keys.certificatePem);
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
  const child = spawn(
    process.execPath,
    [join(root, 'bin/keygate.js'), 'serve', '--config', join(dir, 'keygate.yaml'), '--data', join(dir, 'data'), '--port', String(port), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KEYGATE_LOG_LEVEL: 'warn', ...env } },
  );
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`keygate exited with ${code}`)));
    child.stdout.on('data', (d) => {
      if (String(d).includes('listening on')) resolve();
    });
  });
  return {
    child,
    tokenUrl: `${baseUrl}/services/oauth2/token`,
    keyFile: join(dir, 'bench.key.pem'),
    iss: 'bench-app',
    sub: 'bench@keygate.test',
    aud: baseUrl,
    stop: () => child.kill('SIGTERM'),
  };
}
