/**
 * Change notification for SQLite, whose instances are processes on one machine sharing one
 * file: the `serve --workers` primary relays an announcement to the other workers over the
 * cluster's IPC channel, and stores opened on the same file inside one process hear each
 * other directly. No polling: admin changes are rare and every one of them is announced.
 */
import { broadcastToSiblings, onSiblingBroadcast } from '../../platform/worker-broadcast.js';
import type { ChangeFeed } from '../ports.js';

/** Feeds open in this process, by database file. */
const local = new Map<string, Set<SqliteChangeFeed>>();

export class SqliteChangeFeed implements ChangeFeed {
  readonly #listeners: (() => void)[] = [];
  readonly #topic: string;
  readonly #unsubscribe: () => void;

  constructor(private readonly file: string) {
    this.#topic = `changes:${file}`;
    this.#unsubscribe = onSiblingBroadcast(this.#topic, () => this.#emit());
    const peers = local.get(file) ?? new Set();
    peers.add(this);
    local.set(file, peers);
  }

  async publish(): Promise<void> {
    for (const peer of local.get(this.file) ?? []) if (peer !== this) setImmediate(() => peer.#emit());
    broadcastToSiblings(this.#topic);
  }

  subscribe(onChange: () => void): void {
    this.#listeners.push(onChange);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    local.get(this.file)?.delete(this);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
