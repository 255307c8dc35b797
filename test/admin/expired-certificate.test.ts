/**
 * A certificate that expires while its app's JWT Bearer flow is on stops that app's tokens
 * (and the review reports it), but nothing else: the app still takes unrelated changes, its
 * expired certificate can be removed, and a restart that restates an unchanged
 * `keygate.yaml` still starts. Switching the flow on still needs a valid certificate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/admin/apply-config.js';
import { parseConfig } from '../../src/config/load.js';
import { openKeygate, type KeygateCore } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';

const DAY_SECONDS = 86_400;

describe('an app whose only certificate has expired since the JWT Bearer flow was switched on', () => {
  const clock = new FixedClock(Date.UTC(2026, 5, 15, 12));
  let dataDir: string;
  let core: KeygateCore;
  let file: ReturnType<typeof parseConfig>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-expired-cert-'));
    core = await openKeygate({ dataDir, clock });
    const { certificatePem } = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'short', days: 1, notBefore: new Date(clock.now().getTime() - 60_000) });
    file = parseConfig(
      JSON.stringify({
        org: { baseUrl: 'https://id.acme.test' },
        apps: [{ name: 'short', certificates: [{ pem: certificatePem }], flows: { jwtBearer: true } }, { name: 'other' }],
      }),
      { baseDir: dataDir, env: {} },
    );
    await applyConfig(core.services, file, { prune: false });
    clock.advance(2 * DAY_SECONDS);
  });
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a restart that restates the unchanged file applies it', async () => {
    await expect(applyConfig(core.services, file, { prune: false })).resolves.toMatchObject({ created: [], updated: [] });
  });

  it('takes an unrelated change', async () => {
    const app = await core.services.apps.update({ name: 'short' }, { contactEmail: 'ops@acme.test' });
    expect(app).toMatchObject({ contactEmail: 'ops@acme.test', flows: { jwtBearer: true } });
  });

  it('lets its expired certificate be removed', async () => {
    const [expired] = (await core.services.apps.get({ name: 'short' })).certificates;
    await core.services.apps.removeCertificate({ name: 'short' }, expired!.id);
    expect((await core.services.apps.get({ name: 'short' })).certificates).toEqual([]);
  });

  it('still refuses to switch the flow on for an app without a valid certificate', async () => {
    await expect(core.services.apps.setFlow({ name: 'other' }, 'jwtBearer', true)).rejects.toMatchObject({ code: 'certificate_required' });
  });
});
