/**
 * Group commit for the token path on PostgreSQL, the counterpart of SQLite's WriteQueue:
 * rows queued during one event-loop turn go to the server as one multi-row statement (one
 * round trip, one WAL flush), and each caller learns its own result once that statement has
 * committed. Per-request durability is unchanged: no answer leaves before its row is durable.
 * Several batches may be in flight at once, each on its own pooled connection.
 */
export class InsertBatcher<T, R> {
  #queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @param write runs one batch; returns one result per item, in order.
   * @param maxBatch most rows per statement (bounded so one statement stays small).
   */
  constructor(
    private readonly write: (items: readonly T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  enqueue(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#queue.length >= this.maxBatch) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const done = this.write(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
      (error: unknown) => batch.forEach((b) => b.reject(error)),
    );
    this.#inFlight.add(done);
    void done.finally(() => this.#inFlight.delete(done));
  };

  /** Sends what is queued, waits for every batch in flight, and refuses new rows. */
  async close(): Promise<void> {
    this.#flush();
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}
