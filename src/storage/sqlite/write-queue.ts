/**
 * Group commit for the token endpoint's writes on SQLite (decision 0003). Every write a
 * request needs (its `jti`, its login-history row, an opaque token, a revocation) joins a
 * queue. One batch at a time goes to the writer thread, which runs it as one transaction and
 * one fsync; the writes that arrive meanwhile form the next batch. Each caller learns its own
 * result once its batch has committed: no answer leaves before its rows are on disk.
 */
import { Worker } from 'node:worker_threads';
import type { FailureOp, WriteOp, WriteReply, WriteRequest, WriterSettings } from './sqlite-write-worker.js';

interface Pending {
  readonly op: WriteOp;
  readonly resolve: (result: boolean | number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the writer beside this file: compiled JavaScript in production; when the code runs
 * from source (the tests), the TypeScript file through tsx, a development dependency.
 */
function startWriter(settings: WriterSettings): Worker {
  const options = { workerData: settings };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqlite-write-worker.js', import.meta.url), options);
  const entry = JSON.stringify(new URL('./sqlite-write-worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true, ...options });
}

export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWriteError';
  }
}

export class WriteQueue {
  #worker: Worker | null = null;
  #queue: Pending[] = [];
  #inFlight: Pending[] | null = null;
  #scheduled = false;
  #nextId = 1;
  #closed = false;

  constructor(private readonly settings: WriterSettings) {}

  /** Queues one write; resolves to whether it changed a row (a failure: its window's count), once its batch has committed. */
  enqueue(op: FailureOp): Promise<number>;
  enqueue(op: Exclude<WriteOp, FailureOp>): Promise<boolean>;
  enqueue(op: WriteOp): Promise<boolean | number> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<boolean | number>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      if (this.#inFlight === null && !this.#scheduled) {
        this.#scheduled = true;
        // Gather what the current turn of the event loop adds before sending.
        setImmediate(this.#send);
      }
    });
  }

  readonly #send = (): void => {
    this.#scheduled = false;
    if (this.#inFlight !== null || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#inFlight = batch;
    const request: WriteRequest = { id: this.#nextId++, ops: batch.map((p) => p.op) };
    this.#writer().postMessage(JSON.stringify(request));
  };

  #writer(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWriter(this.settings);
    worker.on('message', (reply: WriteReply) => this.#settle(reply));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      this.#fail(new Error('the SQLite writer stopped'));
    });
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #settle(reply: WriteReply): void {
    const batch = this.#inFlight ?? [];
    this.#inFlight = null;
    if ('error' in reply) {
      const error = new SqliteWriteError(reply.error, reply.code);
      for (const p of batch) p.reject(error);
    } else {
      batch.forEach((p, i) => p.resolve(reply.results[i]!));
    }
    if (this.#queue.length > 0) this.#send();
  }

  #fail(error: Error): void {
    const batch = this.#inFlight ?? [];
    this.#inFlight = null;
    for (const p of batch) p.reject(error);
    // A new writer starts with the next batch.
    if (this.#queue.length > 0 && !this.#closed) setImmediate(this.#send);
  }

  /** Commits what is queued, then stops the writer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#inFlight !== null || this.#queue.length > 0) {
      if (this.#inFlight === null) this.#send();
      await new Promise((r) => setTimeout(r, 5));
    }
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    if (worker) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('close');
      await exited;
    }
  }
}
