// `npm run bench`: every figure the issues ask for, measured on this machine in one run.
//
// 1. The JWT Bearer grant in each storage mode, side by side with the peer (node-oidc-provider)
//    and the ceiling (crypto and HTTP only) by ../shared/bench/compare.mjs: alternating warm
//    rounds, medians of requests per second and p99, plus p50 and Keygate's resident memory.
// 2. The reference for the two-process goals: the harness's ceiling server run as two processes
//    beside the peer (bench/ceiling-pair.mjs), i.e. the most any two processes reach here.
// 3. The offline Health Review of 10,000 apps (goal < 1 s).
// 4. The Salesforce metadata review of 2,000 apps (goal < 2 s).
//
// BENCH_MODES (comma-separated; default: all four modes below), BENCH_N (requests per round,
// default 15000), BENCH_ROUNDS (default 3) and BENCH_CEILING_PAIR=0 (skip section 2) narrow a
// run. Nothing here is a test.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMode } from './scale-modes.mjs';
import { benchSalesforceReview } from './salesforce-review-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const harness = resolve(process.env.KEYGATE_PEER_BENCH ?? join(root, '../shared/bench'));
const n = process.env.BENCH_N ?? '15000';
const rounds = process.env.BENCH_ROUNDS ?? '3';

/** The modes of issue 6, each with its goal (ratio to the peer's requests per second). */
const MODES = [
  { mode: 'sqlite', label: 'SQLite, one process', goal: 1.6 },
  { mode: 'sqlite-workers-2', label: 'SQLite, --workers 2', goal: 1.8 },
  { mode: 'postgres-2', label: 'PostgreSQL, two instances', goal: 1.3 },
  { mode: 'postgres-redis-2', label: 'PostgreSQL + Redis, two instances', goal: 1.3 },
];

const line = (label, value) => console.log(`  ${label.padEnd(42)} ${value}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compare(target) {
  const out = execFileSync(
    'bash',
    [join(harness, 'run-peer.sh'), 'compare.mjs', '--url', target.tokenUrl, '--key', target.keyFile, '--iss', target.iss,
      '--sub', target.sub, '--aud', target.aud, '--n', n, '--rounds', rounds],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

async function grantBenchmark({ mode, label, goal }) {
  const target = await startMode(mode);
  try {
    const r = compare(target);
    const memory = target.memory();
    console.log(`\nJWT Bearer grant: ${label} (RS256 assertions, durable replay store and login history)`);
    line('peer (node-oidc-provider, in memory)', `${r.peer.per_second} req/s, p99 ${r.peer.p99_ms} ms, p50 ${median(r.rounds.peer.map((x) => x.p50_ms))} ms`);
    line('ceiling (crypto + HTTP only)', `${r.ceiling.per_second} req/s, p99 ${r.ceiling.p99_ms} ms, p50 ${median(r.rounds.ceiling.map((x) => x.p50_ms))} ms`);
    line('keygate', `${r.keygate.per_second} req/s, p99 ${r.keygate.p99_ms} ms, p50 ${median(r.rounds.keygate.map((x) => x.p50_ms))} ms, all 200: ${r.keygate.all_ok}`);
    line(`ratio to peer (goal >= ${goal})`, `${r.ratio} ${r.ratio >= goal ? 'met' : 'NOT met'}`);
    line('fraction of ceiling', r.of_ceiling);
    // Every round, so a reader sees how far the sides moved between rounds of one run.
    const perRound = r.rounds.peer.map((_, i) => ['peer', 'ceiling', 'keygate'].map((side) => Math.round(r.rounds[side][i].per_second)).join(' / '));
    line('each round: peer / ceiling / keygate req/s', perRound.join(', '));
    line('p99 no worse than the peer', r.keygate.p99_ms <= r.peer.p99_ms ? 'met' : 'NOT met');
    line('resident memory (goal < 200 MB per process)', `${memory.rss_mb} MB in ${memory.processes} process(es), peak ${memory.peak_rss_mb} MB`);
    return { mode, ...r, memory };
  } finally {
    await target.stop();
  }
}

function ceilingPairBenchmark() {
  const out = execFileSync(process.execPath, [join(here, 'ceiling-pair.mjs'), '--n', n, '--rounds', rounds], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log('\nReference: the ceiling in one and in two processes (no Keygate), beside the peer');
  line('peer (node-oidc-provider, in memory)', `${r.peer.per_second} req/s, p99 ${r.peer.p99_ms} ms`);
  line('ceiling, one process', `${r.ceiling.per_second} req/s, p99 ${r.ceiling.p99_ms} ms: ${r.ceiling_ratio} x peer`);
  line('ceiling, two processes (16 + 16 connections)', `${r.ceiling_pair.per_second} req/s, p99 ${r.ceiling_pair.p99_ms} ms: ${r.ceiling_pair_ratio} x peer, all 200: ${r.ceiling_pair.all_ok}`);
  for (const { label, goal } of MODES.filter((m) => m.mode !== 'sqlite')) {
    line(`${label}: goal ${goal} x`, r.ceiling_pair_ratio >= goal ? 'under the two-process ceiling' : 'ABOVE the two-process ceiling: no server reaches it here');
  }
}

function reviewBenchmark() {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'review-bench.ts'), '10000'], { cwd: root, encoding: 'utf8' });
  console.log('\nHealth Review, offline');
  console.log(`  ${out.trim()}`);
}

async function salesforceBenchmark() {
  const r = await benchSalesforceReview({ apps: 2000, rounds: 3 });
  console.log('\nHealth Review of Salesforce metadata');
  line(`${r.apps} apps, ${r.files} files (goal < ${r.goalMs} ms)`, `${r.ms} ms best of ${r.rounds.length} (${r.rounds.join(', ')} ms), ${r.met ? 'met' : 'NOT met'}; SARIF rendering ${r.sarifMs} ms more`);
}

if (!existsSync(join(harness, 'compare.mjs'))) {
  console.error(`peer harness not found at ${harness}; set KEYGATE_PEER_BENCH`);
  process.exit(2);
}
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ${n} requests per round, ${rounds} alternating rounds`);
const selected = (process.env.BENCH_MODES ?? MODES.map((m) => m.mode).join(',')).split(',');
for (const m of MODES.filter((x) => selected.includes(x.mode))) await grantBenchmark(m);
if (process.env.BENCH_CEILING_PAIR !== '0') ceilingPairBenchmark();
reviewBenchmark();
await salesforceBenchmark();
