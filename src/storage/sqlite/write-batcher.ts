/**
 * Group commit for the token endpoint's writes on SQLite. Every write a request needs (its
 * `jti`, its login-history row, an opaque token) joins a queue; once per event-loop turn the
 * queue runs as one transaction and one fsync, then each caller learns its own result.
 * Durability per request is unchanged (no answer leaves before its rows are committed), while
 * the fsync cost is shared by every request that arrived in the same turn.
 */
import type BetterSqlite3 from 'better-sqlite3';

interface QueuedWrite {
  readonly run: () => boolean;
  readonly resolve: (value: boolean) => void;
  readonly reject: (error: unknown) => void;
}

export class WriteBatcher {
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  #closed = false;

  constructor(private readonly db: BetterSqlite3.Database) {}

  /** Queues a statement run; resolves to what `run` returned, once the batch has committed. */
  enqueue(run: () => boolean): Promise<boolean> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ run, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    // An admin transaction (Kysely) may be open on this connection between its awaits: wait it out.
    if (this.db.inTransaction) {
      setImmediate(this.#flush);
      return;
    }
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const results: boolean[] = [];
    try {
      this.db.transaction(() => {
        for (const write of batch) results.push(write.run());
      })();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => write.resolve(results[i]!));
  };

  /** Commits what is queued and refuses new writes. */
  close(): void {
    if (this.#queue.length > 0 && !this.db.inTransaction) this.#flush();
    this.#closed = true;
  }
}
