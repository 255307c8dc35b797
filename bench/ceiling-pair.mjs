// What two processes can reach on this machine: the harness's own ceiling server (crypto and
// HTTP only), started twice, next to the peer in alternating rounds. The goals for the
// two-process modes are ratios to the peer; this tells whether a goal lies under the machine's
// ceiling for two processes at all.
//
// The load is split evenly: half the requests over 16 connections to each ceiling, fired at the
// same time, so neither process idles while the other is the bottleneck. The rate is all requests
// over the time the slower half took to its last response (each half's own clock, as the
// harness's fire() measures it: autocannon's end comes on its 1 s tick).
//
//   node bench/ceiling-pair.mjs [--n 15000] [--rounds 3]   prints one JSON line
//
// It runs from the harness's install folder (run-peer.sh's cache, installed on first use) and
// changes nothing there.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const harness = resolve(process.env.KEYGATE_PEER_BENCH ?? join(root, '../shared/bench'));
const installed = process.env.PEER_BENCH_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'keygate-peer-bench');

const { values } = parseArgs({ options: { n: { type: 'string', default: '15000' }, rounds: { type: 'string', default: '3' } } });
const n = Number(values.n);
const rounds = Number(values.rounds);
const PORTS = { peer: 4110, single: 4111, left: 4112, right: 4113 };

const keys = mkdtempSync(join(tmpdir(), 'keygate-ceiling-pair-'));
// make-key.mjs through run-peer.sh: installs the harness when it is not yet, and writes the peer's client key.
execFileSync('bash', [join(harness, 'run-peer.sh'), 'make-key.mjs', keys], { stdio: 'ignore' });
const { makeBodies, fire, median } = await import(pathToFileURL(join(installed, 'lib.mjs')).href);

const assertionKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
writeFileSync(join(keys, 'assertion-pub.pem'), assertionKey.publicKey.export({ type: 'spki', format: 'pem' }));

function start(script, ...args) {
  const child = spawn(process.execPath, [join(installed, script), ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ready = new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
    child.stdout.on('data', (d) => String(d).includes('listening') && ok());
  });
  return { child, ready };
}

const servers = [
  start('peer-server.mjs', String(PORTS.peer), join(keys, 'client-pub.json')),
  ...[PORTS.single, PORTS.left, PORTS.right].map((port) => start('ceiling-server.mjs', String(port), join(keys, 'assertion-pub.pem'))),
];
const url = (port) => `http://127.0.0.1:${port}/token`;

try {
  await Promise.all(servers.map((s) => s.ready));
  const peerKey = crypto.createPrivateKey(readFileSync(join(keys, 'client-priv.pem')));
  const peerBodies = (k) => makeBodies({ n: k, key: peerKey, iss: 'bench-client', sub: 'bench-client', aud: url(PORTS.peer), mode: 'peer' });
  // The ceiling checks the signature only, so the claims need not name a real app.
  const ceilingBodies = (k) => makeBodies({ n: k, key: assertionKey.privateKey, iss: 'pair', sub: 'pair', aud: 'pair', mode: 'jwt-bearer' });

  const pair = async (bodies) => {
    const half = bodies.length / 2;
    const sides = await Promise.all([
      fire({ url: url(PORTS.left), bodies: bodies.slice(0, half), connections: 16 }),
      fire({ url: url(PORTS.right), bodies: bodies.slice(half), connections: 16 }),
    ]);
    const requests = sides.reduce((s, x) => s + x.requests, 0);
    const ok = sides.reduce((s, x) => s + (x.codes['200'] ?? 0), 0);
    const seconds = Math.max(...sides.map((x) => x.requests / x.per_second));
    return { requests, ok, per_second: Math.round(requests / seconds), p99_ms: Math.max(...sides.map((x) => x.p99_ms)) };
  };
  const single = async (port, bodies) => {
    const r = await fire({ url: url(port), bodies, connections: 32 });
    return { ...r, ok: r.codes['200'] ?? 0 };
  };

  await single(PORTS.peer, await peerBodies(3000));
  await single(PORTS.single, await ceilingBodies(3000));
  await pair(await ceilingBodies(3000));
  const runs = { peer: [], ceiling: [], ceiling_pair: [] };
  for (let r = 0; r < rounds; r += 1) {
    runs.peer.push(await single(PORTS.peer, await peerBodies(n)));
    runs.ceiling.push(await single(PORTS.single, await ceilingBodies(n)));
    runs.ceiling_pair.push(await pair(await ceilingBodies(n)));
  }
  const summary = (xs) => ({
    per_second: median(xs.map((x) => x.per_second)),
    p99_ms: median(xs.map((x) => x.p99_ms)),
    all_ok: xs.every((x) => x.ok === x.requests),
  });
  const peer = summary(runs.peer);
  const ceiling = summary(runs.ceiling);
  const ceilingPair = summary(runs.ceiling_pair);
  console.log(
    JSON.stringify({
      rounds: runs,
      peer,
      ceiling,
      ceiling_pair: ceilingPair,
      ceiling_ratio: +(ceiling.per_second / peer.per_second).toFixed(2),
      ceiling_pair_ratio: +(ceilingPair.per_second / peer.per_second).toFixed(2),
    }),
  );
} finally {
  for (const s of servers) s.child.kill();
  rmSync(keys, { recursive: true, force: true });
}
