/**
 * The review status of an app, on the App Manager and the app's page, counts its warnings in
 * words that agree with the number: "1 warning", "2 warnings".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appListPage, appPage } from '../../src/http/console/pages/app-pages.js';
import { startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console review status pill', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it.each([
    [1, '1 warning'],
    [2, '2 warnings'],
  ])('%i warning(s) read "%s"', async (warnings, text) => {
    const { app } = await h.server.services.apps.create({ name: `Export ${warnings}` });
    const admin = { username: 'admin@acme.test', csrfToken: 'x' };
    const status = { failing: 0, warnings, accepted: 0 };
    const list = appListPage({ admin, apps: [app], now: h.clock.now(), review: new Map([[app.name, status]]) }).value;
    const page = appPage({ admin, app, now: h.clock.now(), activity: [], review: status }).value;
    for (const body of [list, page]) expect(body).toContain(`<span class="pill warn">${text}</span>`);
  });
});
