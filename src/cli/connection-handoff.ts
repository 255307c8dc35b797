/**
 * `serve --workers N`: the primary owns the listening socket and hands each new connection to
 * the next ready worker in turn, so N workers carry N equal shares of the connections.
 *
 * node:cluster's own round robin gives the next connection to whichever worker has already
 * acknowledged its previous one, so a burst of long-lived connections (a client's pool opening)
 * can pile onto one worker, which then bounds the throughput while the other idles. Measured
 * here with 32 keep-alive connections opened at once against two workers: 12/20, 1/31 and 13/19.
 *
 * The primary never reads from a connection (`pauseOnConnect`); the worker's HTTP or HTTPS
 * server takes it over as if it had accepted it itself, TLS handshake included. See
 * docs/decisions/0005-dealing-connections.md.
 */
import { createServer, Socket, type Server } from 'node:net';
import { hasTag } from '../platform/cluster-message.js';

const CONNECTION = 'keygate:connection';
const READY = 'keygate:ready';

/** Where a connection can be sent: a cluster worker, or any child process with an IPC channel. */
export interface ConnectionTarget {
  send(message: unknown, handle: Socket, callback: (error: Error | null) => void): boolean;
}

/** Whether a message from a worker says that it takes connections from now on. */
export function isReadyMessage(message: unknown): boolean {
  return hasTag(message, READY);
}

/** In the primary: deals connections to the targets in turn. */
export class ConnectionDealer<T extends ConnectionTarget> {
  readonly #targets: T[] = [];
  #next = 0;

  add(target: T): void {
    if (!this.#targets.includes(target)) this.#targets.push(target);
  }

  remove(target: T): void {
    const at = this.#targets.indexOf(target);
    if (at !== -1) this.#targets.splice(at, 1);
  }

  get size(): number {
    return this.#targets.length;
  }

  /**
   * Sends the connection to the next target. A target whose channel has closed (it is exiting)
   * is dropped and the next one is tried; with none left, or when the connection itself cannot
   * be sent (the client is already gone), the connection is closed.
   */
  deal(socket: Socket): void {
    if (this.#targets.length === 0) {
      socket.destroy();
      return;
    }
    const target = this.#targets[this.#next++ % this.#targets.length]!;
    target.send({ tag: CONNECTION }, socket, (error) => {
      if (!error) return;
      if ((error as NodeJS.ErrnoException).code !== 'ERR_IPC_CHANNEL_CLOSED') {
        socket.destroy();
        return;
      }
      this.remove(target);
      this.deal(socket);
    });
  }

  /** A server on which every accepted connection is dealt, unread, to the targets. */
  listen(host: string, port: number): Promise<Server> {
    const server = createServer({ pauseOnConnect: true }, (socket) => this.deal(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }
}

/**
 * In a worker: serves the connections the primary hands over on `server` (an HTTP or HTTPS
 * server that is not listening itself), then tells the primary it is ready for them.
 */
export function takeHandedConnections(server: Server): void {
  process.on('message', (message: unknown, handle: unknown) => {
    if (hasTag(message, CONNECTION) && handle instanceof Socket) server.emit('connection', handle);
  });
  process.send?.({ tag: READY });
}
