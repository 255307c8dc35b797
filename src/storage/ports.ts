/**
 * What the composition root needs from a storage backend beyond the OAuth and admin ports:
 * a way to tell the other instances that the configuration changed, and the flags that say
 * how a backend differs. Backends differ only through these flags, never through their name.
 */

/**
 * Carries "the configuration changed" between instances that share one store (PostgreSQL
 * LISTEN/NOTIFY, Redis pub/sub, or the cluster primary for SQLite workers).
 */
export interface ChangeFeed {
  /** Tells every other instance; resolves once the message has left. */
  publish(): Promise<void>;
  /**
   * Calls `onChange` when another instance announces a change, and also after the feed
   * reconnects, because announcements sent while it was away are lost.
   */
  subscribe(onChange: () => void): void;
  close(): Promise<void>;
}

/** How a backend differs, as facts the composition root and the tests may consult. */
export interface StorageCapabilities {
  /** Instances on other machines can share the store (a network database), not only processes on this one. */
  readonly sharedAcrossMachines: boolean;
  /**
   * `jti` entries survive a restart of the store that holds them and are never evicted. False
   * for Redis without AOF persistence or with an evicting maxmemory policy: an assertion still
   * inside its lifetime could then be replayed after a Redis restart (read from Redis at start).
   */
  readonly durableReplay: boolean;
}
