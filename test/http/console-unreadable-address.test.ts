/**
 * A console address Fastify refuses before choosing a route (a path that does not
 * percent-decode, a path parameter over its length limit) is answered with a console page,
 * under the console's Content-Security-Policy, rather than with the admin API's problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/console/console-routes.js';
import { ConsoleBrowser, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console unreadable addresses', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it.each([
    ['a byte that is not UTF-8', '/console/users/%ff', 400],
    ['a cut-off escape', '/console/apps/%E0%A4%A', 400],
    ['a 3000-character id', `/console/apps/${'x'.repeat(3000)}`, 414],
  ])('an address with %s is a console page', async (_label, url, status) => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const page = await browser.get(url);
    expect(page.statusCode).toBe(status);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('The address could not be read');
  });

  it('the admin API keeps answering problem+json for the same fault', async () => {
    const res = await h.server.app.inject({ method: 'GET', url: '/admin/api/v1/users/%ff' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
