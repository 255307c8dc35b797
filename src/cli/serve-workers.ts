/**
 * `keygate serve --workers N`: the primary process prepares the store once (migrations, the
 * configuration file), then forks N workers that share the listening socket (node:cluster).
 * The primary serves nothing itself; it relays change announcements between workers (the
 * SQLite change feed uses this), restarts a worker that dies, and stops them all on SIGTERM.
 */
import cluster from 'node:cluster';
import { relayBroadcasts } from '../platform/worker-broadcast.js';
import { printLine, warn } from './output.js';

/** A worker that dies sooner than this after its start is not restarted again (a crash loop). */
const MIN_UPTIME_MS = 5000;

export async function runWorkerPrimary(workers: number, prepare: () => Promise<void>): Promise<void> {
  await prepare();
  relayBroadcasts();
  const startedAt = new Map<number, number>();
  let stopping = false;
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const uptime = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    warn(`keygate: worker ${worker.process.pid} exited (${signal ?? code})`);
    if (uptime >= MIN_UPTIME_MS) fork();
    else if (Object.keys(cluster.workers ?? {}).length === 0) {
      warn('keygate: every worker failed at start-up; stopping');
      process.exit(1);
    }
  });
  for (let i = 0; i < workers; i += 1) fork();
  printLine(`keygate primary ${process.pid}: ${workers} workers`);
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(() => process.exit(0), 10_000);
    deadline.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
