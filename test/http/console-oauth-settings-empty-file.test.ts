/**
 * An empty file chosen as the certificate in "Edit OAuth Settings" is refused beside the
 * form, not read as "no file": otherwise the page says "OAuth settings saved." while no
 * certificate was added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console OAuth settings with an empty certificate file', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
  });
  afterAll(async () => h?.close());

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n  \n'],
  ])('%s is refused with 422, names the file, and saves nothing', async (_label, content) => {
    const { app } = await h.server.services.apps.create({ name: `Export ${content.length}`, scopes: ['api'] });
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get(`/console/apps/${app.id}/oauth`)).body);

    const refused = await browser.postMultipart(
      `/console/apps/${app.id}/oauth`,
      { csrf_token: csrf, scopes: 'api refresh_token' },
      { name: 'certificate', filename: 'erp.crt.pem', content },
    );

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('The certificate was refused: the file &quot;erp.crt.pem&quot; is empty');
    expect(refused.body).toMatch(/id="certificate"[^>]*aria-invalid="true"/);
    expect(refused.body).toContain('value="api refresh_token"');
    const after = await h.server.services.apps.get({ id: app.id });
    expect(after.certificates).toEqual([]);
    expect(after.scopes).toEqual(['api']);
  });
});
