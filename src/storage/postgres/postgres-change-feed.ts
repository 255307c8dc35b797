/**
 * Change notification between instances through PostgreSQL LISTEN/NOTIFY. One dedicated
 * connection (outside the pool) listens; announcements go out with `pg_notify` through the pool.
 * When the listening connection drops it reconnects with backoff and then reports a change,
 * since announcements made while it was away are not replayed by the server.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ChangeFeed } from '../ports.js';

export interface PostgresChangeFeedOptions {
  readonly pool: pg.Pool;
  readonly clientConfig: pg.ClientConfig;
  /** NOTIFY channel; channels are per database, so instances sharing a database share it. */
  readonly channel: string;
  readonly onError?: (error: Error) => void;
}

export class PostgresChangeFeed implements ChangeFeed {
  readonly #instance = randomUUID();
  readonly #listeners: (() => void)[] = [];
  #client: pg.Client | null = null;
  #closed = false;
  #retryMs = 250;
  #timer: NodeJS.Timeout | null = null;

  private constructor(private readonly options: PostgresChangeFeedOptions) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.channel)) throw new Error(`invalid NOTIFY channel "${options.channel}"`);
  }

  /** Starts listening; resolves once LISTEN is in place (throws if the database cannot be reached). */
  static async start(options: PostgresChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    await feed.#listen();
    return feed;
  }

  async publish(): Promise<void> {
    await this.options.pool.query('SELECT pg_notify($1, $2)', [this.options.channel, this.#instance]);
  }

  subscribe(onChange: () => void): void {
    this.#listeners.push(onChange);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ ...this.options.clientConfig, query_timeout: undefined, statement_timeout: undefined });
    const lost = (error?: Error) => {
      if (this.#client !== client) return;
      this.#client = null;
      if (error) this.options.onError?.(error);
      client.end().catch(() => {});
      this.#reconnectLater();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload !== this.#instance) this.#emit();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = 250;
  }

  #reconnectLater(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#listen().then(
        // Anything announced while the connection was down is lost: reload anyway.
        () => this.#emit(),
        (error: Error) => {
          this.options.onError?.(error);
          this.#retryMs = Math.min(this.#retryMs * 2, 2000);
          this.#reconnectLater();
        },
      );
    }, this.#retryMs);
    this.#timer.unref();
  }
}
