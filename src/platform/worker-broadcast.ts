/**
 * Messages between the workers of one `node:cluster` group: a worker hands a message to the
 * primary, which relays it to every other worker. Outside a cluster the calls do nothing.
 */
import cluster from 'node:cluster';
import { hasTag } from './cluster-message.js';

const TAG = 'keygate:broadcast';

interface BroadcastMessage {
  readonly tag: typeof TAG;
  readonly topic: string;
}

function isBroadcast(message: unknown): message is BroadcastMessage {
  return hasTag(message, TAG);
}

/** From a worker: asks the primary to pass `topic` to every sibling worker. */
export function broadcastToSiblings(topic: string): void {
  if (cluster.isWorker && process.send) process.send({ tag: TAG, topic } satisfies BroadcastMessage);
}

/** In a worker: calls `onMessage` when a sibling broadcasts `topic`. Returns an unsubscribe function. */
export function onSiblingBroadcast(topic: string, onMessage: () => void): () => void {
  if (!cluster.isWorker) return () => {};
  const listener = (message: unknown) => {
    if (isBroadcast(message) && message.topic === topic) onMessage();
  };
  process.on('message', listener);
  return () => process.off('message', listener);
}

/** In the primary: relays every broadcast from a worker to all the others. */
export function relayBroadcasts(): void {
  cluster.on('message', (from, message: unknown) => {
    if (!isBroadcast(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(message);
    }
  });
}
