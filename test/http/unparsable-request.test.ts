/**
 * Requests Node's HTTP parser refuses before any route sees them: over-long headers and
 * malformed requests get a whole answer in the form of their path's family (an OAuth error
 * under /services/oauth2/, problem+json elsewhere), never a framework's own body, and the raw
 * request, which may carry credentials, reaches no log even at trace level.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/platform/logger.js';

const CANARY = 'canary-7f3c9e2a-authorization';
const BIG_HEADER = `x-padding: ${'a'.repeat(20_000)}\r\n`;

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

describe('requests the HTTP parser refuses', () => {
  let server: FastifyInstance;
  let port: number;
  let logged = '';

  /** Writes raw bytes and reads the answer until the server closes the connection. */
  function send(raw: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(raw));
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = text.split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : null });
      });
    });
  }

  function expectRefusal(res: RawResponse, status: number, contentType: string): void {
    expect(res.status).toBe(status);
    expect(res.headers).toMatchObject({
      'content-type': contentType,
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'x-content-type-options': 'nosniff',
      connection: 'close',
    });
  }

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _encoding, done) => ((logged += String(chunk)), done()) });
    server = createHttpServer(createLogger({ level: 'trace', destination: sink }), { trustedProxies: [] });
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('RFC 6749 §5.2: headers over the limit on the token endpoint get 431 and an invalid_request body', async () => {
    const res = await send(`POST /services/oauth2/token HTTP/1.1\r\nhost: kg\r\nauthorization: Basic ${CANARY}\r\n${BIG_HEADER}\r\n`);
    expectRefusal(res, 431, 'application/json; charset=utf-8');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request headers are too large' });
  });

  it('answers headers over the limit elsewhere with a 431 problem', async () => {
    const res = await send(`GET /admin/api/v1/apps HTTP/1.1\r\nhost: kg\r\nauthorization: Bearer ${CANARY}\r\n${BIG_HEADER}\r\n`);
    expectRefusal(res, 431, 'application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: 'https://keygate.dev/problems/bad_request',
      title: 'The request is not valid',
      status: 431,
      code: 'bad_request',
      detail: 'the request headers are too large',
    });
  });

  it('answers a malformed header line with 400 in the form of its path', async () => {
    const oauth = await send(`POST /oauth2/token HTTP/1.1\r\nhost: kg\r\nauthorization: Basic ${CANARY}\r\nnot a header\r\n\r\n`);
    expectRefusal(oauth, 400, 'application/json; charset=utf-8');
    expect(oauth.body).toEqual({ error: 'invalid_request', error_description: 'the request could not be read' });
    const other = await send('GARBAGE\r\n\r\n');
    expectRefusal(other, 400, 'application/problem+json; charset=utf-8');
    expect(other.body).toMatchObject({ status: 400, code: 'bad_request', detail: 'the request could not be read' });
  });

  it('leaves the raw request, and so its credentials, out of the log even at trace level', async () => {
    await send(`POST /services/oauth2/token HTTP/1.1\r\nhost: kg\r\nauthorization: Basic ${CANARY}\r\nnot a header\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged).not.toContain(CANARY);
    // A Buffer is serialised as its byte values; the canary must not appear that way either.
    expect(logged).not.toContain([...Buffer.from(CANARY)].join(','));
  });
});
