/**
 * Drives the console in-process with `app.inject`, the way a browser without JavaScript
 * would: a cookie jar, forms read from the returned HTML, URL-encoded and multipart posts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';

export const ADMIN = { username: 'admin@acme.test', password: 'correct horse battery staple' };

export interface ConsoleHarness {
  readonly server: RunningKeygate;
  readonly clock: FixedClock;
  close(): Promise<void>;
}

/** A server on a frozen clock with an org and one administrator; `oauth` settings as given. */
export async function startConsoleServer(options: { oauth?: Record<string, unknown> } = {}): Promise<ConsoleHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-console-'));
  const clock = new FixedClock(Date.now());
  const config = parseConfig(JSON.stringify({ org: { baseUrl: 'https://keygate.test', name: 'Acme' }, ...(options.oauth && { oauth: options.oauth }) }), {
    baseDir: dataDir,
    env: {},
  });
  const server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);
  await server.services.users.create({ username: ADMIN.username, profile: 'System Administrator', permissions: ['ManageUsers'], password: ADMIN.password });
  return {
    server,
    clock,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One browser, at one client address: its cookies, and helpers that read forms out of pages. */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly server: RunningKeygate,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  #remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  #cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.server.app.inject({ method: 'GET', url, headers: this.#cookieHeader(), remoteAddress: this.remoteAddress });
    this.#remember(response);
    return response;
  }

  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
    const response = await this.server.app.inject({
      method: 'POST',
      url,
      headers: { ...this.#cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
      remoteAddress: this.remoteAddress,
    });
    this.#remember(response);
    return response;
  }

  async postMultipart(url: string, fields: Record<string, string>, file?: { name: string; filename: string; content: string }): Promise<LightMyRequestResponse> {
    const boundary = '----keygate-test-boundary';
    let body = '';
    for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    if (file) {
      body += `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: application/x-pem-file\r\n\r\n${file.content}\r\n`;
    }
    body += `--${boundary}--\r\n`;
    const response = await this.server.app.inject({
      method: 'POST',
      url,
      headers: { ...this.#cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
      remoteAddress: this.remoteAddress,
    });
    this.#remember(response);
    return response;
  }

  /** Signs in through the form; returns the final response. */
  async signIn(username = ADMIN.username, password = ADMIN.password): Promise<LightMyRequestResponse> {
    const page = await this.get('/console/sign-in');
    return this.post('/console/sign-in', { csrf_token: csrfOf(page.body), username, password });
  }
}

export function csrfOf(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}
