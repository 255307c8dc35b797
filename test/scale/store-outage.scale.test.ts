/**
 * Every endpoint of an instance cut off from PostgreSQL answers the outage as the token
 * endpoint does: 503 with `Retry-After` (RFC 6749 §5.2 `temporarily_unavailable` at the OAuth
 * and resource endpoints, problem+json `temporarily_unavailable` at the admin API), never a
 * 500, and logs it as a warning without a stack. The instance reaches PostgreSQL through a
 * proxy the test cuts; the shared service itself keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { TEST_DATABASE_URL } from '../contract/backends.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';
import { requestToken, startTwoInstances, userinfo, type TwoInstances } from './scale-harness.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function get(server: RunningKeygate, path: string, accessToken: string): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function postForm(server: RunningKeygate, path: string, form: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectOAuthUnavailable(answer: Answer): void {
  expect({ status: answer.status, error: answer.body.error, retryAfter: answer.headers.get('retry-after') }).toEqual({
    status: 503,
    error: 'temporarily_unavailable',
    retryAfter: '1',
  });
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

function expectProblemUnavailable(answer: Answer): void {
  expect({ status: answer.status, code: answer.body.code, retryAfter: answer.headers.get('retry-after') }).toEqual({
    status: 503,
    code: 'temporarily_unavailable',
    retryAfter: '1',
  });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** The log lines of one instance, parsed. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { log, lines };
}

/** Nothing was logged at error level, and nothing with a stack. */
function expectNoErrorLogged(lines: readonly Record<string, unknown>[]): void {
  expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  expect(lines.filter((line) => JSON.stringify(line).includes('"stack"'))).toEqual([]);
}

describe.each([
  { mode: 'PostgreSQL', redis: false },
  { mode: 'PostgreSQL+Redis', redis: true },
])('an instance cut off from PostgreSQL, on $mode', ({ redis }) => {
  let pair: TwoInstances;
  let proxy: CuttableProxy;
  let cut: RunningKeygate;
  const { log, lines } = memoryLog();
  let accessToken = '';
  let identityPath = '';

  beforeAll(async () => {
    pair = await startTwoInstances({ redis });
    proxy = await startCuttableProxy(Number(new URL(TEST_DATABASE_URL).port || 5432), new URL(TEST_DATABASE_URL).hostname);
    const proxied = new URL(TEST_DATABASE_URL);
    proxied.port = String(proxy.port);
    cut = await pair.another({ databaseUrl: proxied.toString(), log });
    const issued = await requestToken(pair.a, await pair.assertion());
    accessToken = String(issued.body.access_token);
    identityPath = new URL(String(issued.body.id)).pathname;
    // With Redis, this caches "not revoked", so that the admin API below passes authentication and meets PostgreSQL in its route.
    expect(await userinfo(cut, accessToken)).toBe(200);
    await proxy.cut();
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await pair?.close();
  });

  it('RFC 6749 §5.2: the token and revocation endpoints answer 503 temporarily_unavailable with Retry-After', async () => {
    expectOAuthUnavailable(await requestToken(cut, await pair.assertion()));
    expectOAuthUnavailable(await postForm(cut, '/services/oauth2/revoke', { token: accessToken }));
  });

  it.runIf(!redis)('RFC 6750 resources (userinfo, the identity URL, /services/data and below) answer 503 temporarily_unavailable with Retry-After, not 500, and log no error or stack', async () => {
    const from = lines.length;
    for (const path of ['/services/oauth2/userinfo', identityPath, '/services/data', '/services/data/v60.0/query?q=SELECT+Id+FROM+User']) {
      expectOAuthUnavailable(await get(cut, path, accessToken));
    }
    expectNoErrorLogged(lines.slice(from));
  });

  it('the admin API answers 503 problem+json temporarily_unavailable with Retry-After, not 500 internal_error, and logs a warning without a stack', async () => {
    const from = lines.length;
    const paths = ['/admin/api/v1/apps', '/admin/api/v1/login-history'];
    for (const path of paths) {
      expectProblemUnavailable(await get(cut, path, accessToken));
    }
    const logged = lines.slice(from);
    expectNoErrorLogged(logged);
    expect(logged.filter((line) => line.level === 40 && line.store === 'postgresql')).toHaveLength(paths.length);
  });

  it('the web console answers with a 503 page and Retry-After, not its 500 page', async () => {
    const from = lines.length;
    // A well-formed session cookie makes the console look the session up in PostgreSQL.
    const res = await fetch(`${cut.url}/console/apps`, { headers: { cookie: `keygate_console=${'A'.repeat(43)}` }, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    expect({ status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });
    expect(await res.text()).toContain('Temporarily unavailable');
    expectNoErrorLogged(lines.slice(from));
  });
});
