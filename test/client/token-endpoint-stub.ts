/**
 * A real HTTP server on 127.0.0.1 that stands in for a token endpoint (or a resource server) so
 * the client's HTTP behaviour (retries, timeouts, dropped connections) is tested over sockets.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly form: URLSearchParams;
}

export type StubReply =
  | { readonly status: number; readonly json?: unknown; readonly text?: string; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | { readonly drop: true };

export interface EndpointStub {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replies used in order; when none is queued, `fallback` answers. */
  enqueue(...replies: StubReply[]): void;
  close(): Promise<void>;
}

export type Fallback = (request: RecordedRequest, index: number) => StubReply;

let tokenCounter = 0;

/** A Keygate/Salesforce-shaped success body with a new access token each time. */
export function tokenReply(overrides: Record<string, unknown> = {}): StubReply {
  tokenCounter += 1;
  return {
    status: 200,
    json: {
      access_token: `token-${tokenCounter}`,
      token_type: 'Bearer',
      scope: 'api',
      instance_url: 'https://keygate.test',
      id: 'https://keygate.test/id/00D000000000001AAA/005000000000001AAA',
      issued_at: '1732780800000',
      expires_in: 3600,
      ...overrides,
    },
    headers: { 'cache-control': 'no-store' },
  };
}

export async function startEndpointStub(fallback: Fallback = () => tokenReply()): Promise<EndpointStub> {
  const requests: RecordedRequest[] = [];
  const queue: StubReply[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        form: new URLSearchParams(body),
      };
      requests.push(recorded);
      const reply = queue.shift() ?? fallback(recorded, requests.length - 1);
      if ('drop' in reply) {
        req.socket.destroy();
        return;
      }
      const send = (): void => {
        const headers: Record<string, string> = { ...reply.headers };
        let payload = reply.text ?? '';
        if (reply.json !== undefined) {
          payload = JSON.stringify(reply.json);
          headers['content-type'] = 'application/json';
        }
        res.writeHead(reply.status, headers).end(payload);
      };
      if (reply.delayMs !== undefined) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A clock the test moves by hand. */
export class ManualClock {
  ms: number;
  constructor(at = Date.UTC(2025, 0, 15, 12, 0, 0)) {
    this.ms = at;
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
