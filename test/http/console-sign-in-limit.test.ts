/**
 * Console sign-in under the failure limit (docs/console.md "Signing in", docs/jwt-bearer.md
 * "Failure limit"): every sign-in costs a scrypt hash, for unknown usernames too, and the
 * per-user lockout never stops someone trying many usernames. So refused sign-ins count
 * against the client address with the OAuth endpoints' refusals, and a blocked address gets
 * 429 with `Retry-After` before any password or code is checked, and no login-history row
 * (one row records the block's start).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN, ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

const LIMIT = 4;
const WINDOW = 60;

let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsoleServer({ oauth: { maxFailuresPerAddress: LIMIT, failureWindowSeconds: WINDOW } });
});
afterAll(async () => {
  await h?.close();
});

function secondsToWindowEnd(): number {
  const now = h.clock.epochSeconds();
  return WINDOW - (now % WINDOW);
}

function expectLimited(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.headers['retry-after']).toBe(String(secondsToWindowEnd()));
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).toContain('Too many refused sign-ins came from this address');
  expect(response.headers['set-cookie']).toBeUndefined();
}

async function consoleRows(): Promise<number> {
  const { events } = await h.server.services.history.queryLoginHistory({ grant: 'console' });
  return events.length;
}

describe('console sign-in: the failure limit per client address', () => {
  it(`after ${LIMIT} refused sign-ins from one address, even the right password gets 429 with Retry-After, no session and no history row`, async () => {
    const guesser = new ConsoleBrowser(h.server, '192.0.2.30');
    for (let i = 0; i < LIMIT; i += 1) expect((await guesser.signIn(`nobody${i}@acme.test`, 'a guess')).statusCode).toBe(401);
    const rows = await consoleRows();
    const { events } = await h.server.services.history.queryLoginHistory({ grant: 'console' });
    expect(events.filter((e) => e.clientAddress === '192.0.2.30' && e.reason === 'too_many_failures')).toEqual([
      expect.objectContaining({ appId: null, userId: null, username: null, outcome: 'failure', errorCode: 'temporarily_unavailable' }),
    ]);
    expectLimited(await guesser.signIn());
    expect(await consoleRows()).toBe(rows);
    expect((await guesser.get('/console/apps')).statusCode).toBe(303);
  });

  it('the count is the one the OAuth endpoints keep: the blocked address gets 429 at the token endpoint too', async () => {
    const response = await h.server.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c',
      remoteAddress: '192.0.2.30',
    });
    expect(response.statusCode).toBe(429);
    expect(JSON.parse(response.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'too many refused requests from this address, retry later' });
  });

  it('wrong second-factor codes count too, and a blocked address cannot go on trying codes', async () => {
    const user = await h.server.services.users.create({ username: 'totp@acme.test', permissions: ['ManageUsers'], password: 'the totp password 1' });
    await h.server.services.users.setTotpSecret({ id: user.id }, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const browser = new ConsoleBrowser(h.server, '192.0.2.31');
    expect((await browser.signIn('totp@acme.test', 'the totp password 1')).headers.location).toBe('/console/sign-in/verify');
    const form = await browser.get('/console/sign-in/verify');
    // Fewer wrong codes than the account lockout needs, as many as the address limit allows.
    for (let i = 0; i < LIMIT; i += 1) expect((await browser.post('/console/sign-in/verify', { csrf_token: csrfOf(form.body), code: 'abcdef' })).statusCode).toBe(401);
    expectLimited(await browser.post('/console/sign-in/verify', { csrf_token: csrfOf(form.body), code: 'abcdef' }));
  });

  it('another address signs in while one is blocked, and the blocked one signs in once its window has ended', async () => {
    expect((await new ConsoleBrowser(h.server, '192.0.2.32').signIn()).statusCode).toBe(303);
    h.clock.advance(secondsToWindowEnd());
    const back = await new ConsoleBrowser(h.server, '192.0.2.30').signIn(ADMIN.username, ADMIN.password);
    expect(back.statusCode).toBe(303);
  });
});
