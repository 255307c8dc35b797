/**
 * The console's Login History reads its From and To filters as UTC calendar times: a day the
 * calendar lacks is reported and ignored, not rolled into the next month.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console Login History time filter', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it.each(['2026-02-31T10:00', '2026-04-31T00:00', '2027-02-29T12:30'])('from=%s is reported as ignored', async (from) => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const page = await browser.get(`/console/login-history?from=${from}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The time filter was ignored: use the format 2025-01-31T13:45.');
  });

  it('a real day, a leap day included, is taken without a warning', async () => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const page = await browser.get('/console/login-history?from=2028-02-29T12:30');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('The time filter was ignored');
  });
});
