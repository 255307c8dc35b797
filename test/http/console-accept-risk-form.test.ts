/**
 * A refused risk acceptance in the console keeps what the administrator typed: the finding's
 * form opens again with the reason, owner and expiry as sent, and the refused field marked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf, startConsoleServer, type ConsoleHarness } from './console-helpers.js';

describe('console risk acceptance', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleServer();
    await h.server.services.apps.create({ name: 'Legacy Import', scopes: ['api'], flows: { usernamePassword: true } });
  });
  afterAll(async () => h?.close());

  it('an expiry in the past is refused with 422 and the typed reason, owner and date are shown again', async () => {
    const browser = new ConsoleBrowser(h.server);
    await browser.signIn();
    const csrf = csrfOf((await browser.get('/console/review')).body);
    expect((await browser.post('/console/review/run', { csrf_token: csrf })).statusCode).toBe(303);
    const page = (await browser.get('/console/review')).body;
    const form = /<input type="hidden" name="control" value="([^"]+)"><input type="hidden" name="subject" value="([^"]+)">/.exec(page);
    expect(form, 'a finding that can be accepted').not.toBeNull();
    const [, control, subject] = form!;

    const refused = await browser.post('/console/review/accept', {
      csrf_token: csrf,
      control: control!,
      subject: subject!,
      reason: 'Vendor migrates off this flow in Q3',
      owner: 'ops-lead@acme.test',
      expires: '2001-02-03',
    });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('The risk was not accepted');
    expect(refused.body).toContain('<details open><summary>Accept risk</summary>');
    expect(refused.body).toContain('>Vendor migrates off this flow in Q3</textarea>');
    expect(refused.body).toContain('value="ops-lead@acme.test"');
    expect(refused.body).toMatch(/name="expires"[^>]*aria-invalid="true"[^>]*value="2001-02-03"/);
    expect(await h.server.services.reviews.listAcceptedRisks()).toEqual([]);

    const noSuchDay = await browser.post('/console/review/accept', { csrf_token: csrf, control: control!, subject: subject!, reason: 'r', owner: 'o', expires: '2099-02-31' });
    expect(noSuchDay.statusCode).toBe(422);
    expect(noSuchDay.body).toContain('The risk was not accepted: Expires: enter a date.');
    expect(await h.server.services.reviews.listAcceptedRisks()).toEqual([]);
  });
});
