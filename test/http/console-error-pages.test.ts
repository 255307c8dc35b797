/**
 * A console error page (404, 413, 400) keeps the navigation bar for a signed-in administrator,
 * as every other page does, and stays bare for anyone else. Showing it only reads the session:
 * an error page never creates or extends one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { generateTotpSecret } from '../../src/admin/console-auth-totp.js';
import { CONSOLE_CSP } from '../../src/http/console/console-routes.js';
import { ADMIN, ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

const NAV = '<nav aria-label="Console">';

function expectSignedInErrorPage(page: LightMyRequestResponse, status: number, csrf: string): void {
  expect(page.statusCode).toBe(status);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['set-cookie']).toBeUndefined();
  expect(page.body).toContain(NAV);
  expect(page.body).toContain(`<span>${ADMIN.username}</span><button type="submit">Sign out</button>`);
  expect(csrfOf(page.body)).toBe(csrf);
}

function expectBareErrorPage(page: LightMyRequestResponse, status: number): void {
  expect(page.statusCode).toBe(status);
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['set-cookie']).toBeUndefined();
  expect(page.body).not.toContain(NAV);
  expect(page.body).not.toContain('Sign out');
  expect(page.body).not.toContain('csrf_token');
  expect(page.body).not.toContain(ADMIN.username);
}

describe('console error pages', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  async function signedIn(): Promise<{ browser: ConsoleBrowser; csrf: string }> {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    return { browser, csrf: csrfOf((await browser.get('/console/apps')).body) };
  }

  async function postRaw(browser: ConsoleBrowser, url: string, contentType: string, payload: string): Promise<LightMyRequestResponse> {
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return h.server.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': contentType }, payload, remoteAddress: '127.0.0.1' });
  }

  it('a 404 for an unknown address or an unknown user keeps the navigation for a signed-in administrator', async () => {
    const { browser, csrf } = await signedIn();
    const unknownPage = await browser.get('/console/nope');
    expectSignedInErrorPage(unknownPage, 404, csrf);
    expect(unknownPage.body).toContain('There is no console page at this address.');
    const unknownUser = await browser.get('/console/users/005000000000000000');
    expectSignedInErrorPage(unknownUser, 404, csrf);
    expect(unknownUser.body).toContain('No user with id 005000000000000000.');
  });

  it('a 413 for an oversized certificate and a 400 for an unreadable form keep the navigation', async () => {
    const { browser, csrf } = await signedIn();
    const { app } = await h.server.services.apps.create({ name: 'Error Pages App' });
    const url = `/console/apps/${app.id}/oauth`;

    const oversized = await browser.postMultipart(url, { csrf_token: csrf, scopes: 'api', runAs: '' }, { name: 'certificate', filename: 'big.pem', content: 'x'.repeat(40 * 1024) });
    expectSignedInErrorPage(oversized, 413, csrf);
    expect(oversized.body).toContain('The file &quot;big.pem&quot; is larger than 32 KiB.');

    const overBodyLimit = await postRaw(browser, url, 'multipart/form-data; boundary=b', 'x'.repeat(70 * 1024));
    expectSignedInErrorPage(overBodyLimit, 413, csrf);
    expect(overBodyLimit.body).toContain('The upload is too large');

    const malformed = await postRaw(browser, url, 'multipart/form-data; boundary=b', 'not a multipart body');
    expectSignedInErrorPage(malformed, 400, csrf);
    expect(malformed.body).toContain('The form does not start with its boundary.');
  });

  it('is bare for a visitor without a session, and sets no cookie', async () => {
    const visitor = new ConsoleBrowser(h.server);
    expectBareErrorPage(await visitor.get('/console/nope'), 404);
    expect(visitor.cookies.size).toBe(0);
  });

  it('is bare for a session that has ended, whose administrator lost ManageUsers, or that awaits its second factor', async () => {
    const ended = (await signedIn()).browser;
    h.clock.advance(31 * 60);
    expectBareErrorPage(await ended.get('/console/nope'), 404);

    const demoted = await h.server.services.users.create({ username: 'demoted@acme.test', permissions: ['ManageUsers'], password: 'a long enough password' });
    const demotedBrowser = new ConsoleBrowser(h.server);
    await demotedBrowser.signIn(demoted.username, 'a long enough password');
    await h.server.services.users.update({ id: demoted.id }, { permissions: [] });
    const demotedPage = await demotedBrowser.get('/console/nope');
    expectBareErrorPage(demotedPage, 404);
    expect(demotedPage.body).not.toContain(demoted.username);

    const pending = await h.server.services.users.create({ username: 'pending@acme.test', permissions: ['ManageUsers'], password: 'a long enough password' });
    await h.server.services.users.setTotpSecret({ id: pending.id }, generateTotpSecret());
    const pendingBrowser = new ConsoleBrowser(h.server);
    expect((await pendingBrowser.signIn(pending.username, 'a long enough password')).headers.location).toBe('/console/sign-in/verify');
    const pendingPage = await pendingBrowser.get('/console/nope');
    expectBareErrorPage(pendingPage, 404);
    expect(pendingPage.body).not.toContain(pending.username);
  });

  it('does not extend the session: 25 idle minutes spent on error pages still end it at 30', async () => {
    const { browser, csrf } = await signedIn();
    h.clock.advance(25 * 60);
    expectSignedInErrorPage(await browser.get('/console/nope'), 404, csrf);
    h.clock.advance(6 * 60);
    expect((await browser.get('/console/apps')).headers.location).toBe('/console/sign-in?session=ended');
  });
});
