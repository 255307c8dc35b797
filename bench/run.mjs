// `npm run bench`: Keygate's JWT Bearer grant measured side by side with the peer
// (node-oidc-provider) and the ceiling (crypto and HTTP only) by ../shared/bench/compare.mjs,
// in one run on this machine. Prints each figure and the goals next to them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKeygate, memoryOf } from './keygate-under-test.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const harness = resolve(process.env.KEYGATE_PEER_BENCH ?? join(here, '../../shared/bench'));
const n = process.env.BENCH_N ?? '15000';
const rounds = process.env.BENCH_ROUNDS ?? '3';

function compare(target) {
  const out = execFileSync('bash', [join(harness, 'run-peer.sh'), 'compare.mjs', '--url', target.tokenUrl, '--key', target.keyFile,
    '--iss', target.iss, '--sub', target.sub, '--aud', target.aud, '--n', n, '--rounds', rounds], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop());
}

function line(label, value) {
  console.log(`${label.padEnd(44)} ${value}`);
}

async function grantBenchmark() {
  const keygate = await startKeygate({ port: 18181 });
  try {
    const result = compare(keygate);
    const mem = memoryOf(keygate.child.pid);
    console.log('\nJWT Bearer grant, SQLite (WAL, synchronous=FULL, group commit), login history on, one process');
    line('peer (node-oidc-provider, in-memory) req/s', `${result.peer.per_second}  p99 ${result.peer.p99_ms} ms`);
    line('ceiling (crypto + HTTP only) req/s', `${result.ceiling.per_second}  p99 ${result.ceiling.p99_ms} ms`);
    line('keygate req/s', `${result.keygate.per_second}  p99 ${result.keygate.p99_ms} ms  all 200: ${result.keygate.all_ok}`);
    line('keygate p50 (median round)', `${medianOf(result.rounds.keygate.map((r) => r.p50_ms))} ms`);
    line('ratio to peer (goal >= 1.6)', result.ratio);
    line('fraction of ceiling (goal >= 0.85)', result.of_ceiling);
    line('p99 no worse than peer', result.keygate.p99_ms <= result.peer.p99_ms);
    line('keygate resident memory (goal < 200 MB)', `${mem.rss_mb} MB (peak ${mem.peak_rss_mb} MB)`);
    return result;
  } finally {
    keygate.stop();
  }
}

function medianOf(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

if (!existsSync(join(harness, 'compare.mjs'))) {
  console.error(`peer harness not found at ${harness}; set KEYGATE_PEER_BENCH`);
  process.exit(2);
}
console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}; N=${n} per round, ${rounds} alternating rounds`);
await grantBenchmark();
