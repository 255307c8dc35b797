/**
 * `keygate serve --workers N`: the primary process prepares the store once (migrations, the
 * configuration file), then forks N workers (node:cluster). Once they are all ready it listens
 * on the port and deals each connection to the next worker in turn (./connection-handoff.ts).
 * It serves no request itself; it relays change announcements between workers (the SQLite
 * change feed uses this), restarts a worker that dies, and stops them all on SIGTERM.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:net';
import { relayBroadcasts } from '../platform/worker-broadcast.js';
import { ConnectionDealer, isReadyMessage } from './connection-handoff.js';
import { printLine, warn } from './output.js';

/** A worker that dies sooner than this after its start is not restarted again (a crash loop). */
const MIN_UPTIME_MS = 5000;

export interface WorkerPrimaryOptions {
  readonly workers: number;
  readonly host: string;
  readonly port: number;
  /** Runs once, before any worker starts. */
  prepare(): Promise<void>;
  /** Called once, when every worker of the first start is ready and the port is bound; gets the bound port. */
  onListening(port: number): void;
}

export async function runWorkerPrimary(options: WorkerPrimaryOptions): Promise<void> {
  await options.prepare();
  relayBroadcasts();
  const dealer = new ConnectionDealer<Worker>();
  const startedAt = new Map<number, number>();
  /** Workers of the first start that have not said they are ready, nor exited. */
  const starting = new Set<number>();
  let listener: Server | null = null;
  let binding = false;
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };

  const listenOnceStarted = async () => {
    if (binding || starting.size > 0 || dealer.size === 0 || stopping) return;
    binding = true;
    try {
      listener = await dealer.listen(options.host, options.port);
    } catch (error) {
      warn(`keygate: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
      stop(1);
      return;
    }
    // An accept that fails (too many open files) costs that one connection, not the server.
    listener.on('error', (error) => warn(`keygate: could not accept a connection: ${error.message}`));
    const address = listener.address();
    options.onListening(typeof address === 'object' && address ? address.port : options.port);
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isReadyMessage(message)) return;
    dealer.add(worker);
    starting.delete(worker.id);
    void listenOnceStarted();
  });
  cluster.on('exit', (worker, code, signal) => {
    dealer.remove(worker);
    starting.delete(worker.id);
    if (stopping) return;
    const uptime = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    warn(`keygate: worker ${worker.process.pid} exited (${signal ?? code})`);
    if (uptime >= MIN_UPTIME_MS) fork();
    else if (Object.keys(cluster.workers ?? {}).length === 0) {
      warn('keygate: every worker failed at start-up; stopping');
      process.exit(1);
    } else void listenOnceStarted();
  });

  for (let i = 0; i < options.workers; i += 1) starting.add(fork().id);
  printLine(`keygate primary ${process.pid}: ${options.workers} workers`);

  function stop(exitCode = 0): void {
    stopping = true;
    listener?.close();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(() => process.exit(exitCode), 10_000);
    deadline.unref();
    const exitWhenAllGone = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    };
    cluster.on('exit', exitWhenAllGone);
    exitWhenAllGone();
  }
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
}
