/**
 * Change notification between instances through Redis pub/sub, on a second connection in
 * subscriber mode. After that connection comes back from an outage it reports a change,
 * because pub/sub does not keep messages for absent subscribers.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChangeFeed } from '../ports.js';

export class RedisChangeFeed implements ChangeFeed {
  readonly #instance = randomUUID();
  readonly #listeners: (() => void)[] = [];
  readonly #channel: string;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.#channel = `${prefix}changes`;
  }

  static async start(publisher: Redis, subscriber: Redis, prefix: string): Promise<RedisChangeFeed> {
    const feed = new RedisChangeFeed(publisher, subscriber, prefix);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === feed.#channel && message !== feed.#instance) feed.#emit();
    });
    await subscriber.subscribe(feed.#channel);
    // Attached after the first connection is up, so every later 'ready' is a reconnect:
    // ioredis resubscribes, but whatever was published meanwhile is lost.
    subscriber.on('ready', () => feed.#emit());
    return feed;
  }

  async publish(): Promise<void> {
    await this.publisher.publish(this.#channel, this.#instance);
  }

  subscribe(onChange: () => void): void {
    this.#listeners.push(onChange);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
