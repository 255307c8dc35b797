/**
 * Every console page links the console's icon, served like its stylesheet and script: without
 * the link a browser asks for /favicon.ico on every visit, gets a 404 and logs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/console/console-routes.js';
import { ConsoleBrowser, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

const ICON_LINK = '<link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml">';

describe('console icon', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it('is linked from the sign-in page, a signed-in page and an error page', async () => {
    const browser = new ConsoleBrowser(h.server);
    expect((await browser.get('/console/sign-in')).body).toContain(ICON_LINK);
    await browser.signIn();
    expect((await browser.get('/console/apps')).body).toContain(ICON_LINK);
    expect((await browser.get('/console/nope')).body).toContain(ICON_LINK);
  });

  it('is served as an SVG with the headers and caching of the other assets', async () => {
    const icon = await new ConsoleBrowser(h.server).get('/console/assets/icon.svg');
    const stylesheet = await new ConsoleBrowser(h.server).get('/console/assets/console.css');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect(icon.headers['set-cookie']).toBeUndefined();
    expect(icon.headers['content-security-policy']).toBe(CONSOLE_CSP);
    for (const header of ['cache-control', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy']) {
      expect(icon.headers[header], header).toBe(stylesheet.headers[header]);
    }
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 32 32">/);
    expect(icon.body).not.toMatch(/<script|\sstyle=|href=/i);
  });
});
