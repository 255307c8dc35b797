/**
 * The admin services' updates are partial: a field the input leaves out keeps its value. The
 * inputs are built from the configuration schema, whose defaults must not fill the fields an
 * update leaves out (they did: updating the org's base URL reset its name and time policies).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeygate, type KeygateCore } from '../../src/main.js';

describe('admin services: partial updates keep what they leave out', () => {
  let dataDir: string;
  let core: KeygateCore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-partial-'));
    core = await openKeygate({ dataDir });
    await core.services.orgs.upsert({
      name: 'Acme',
      baseUrl: 'https://id.acme.test',
      extraAudiences: ['https://login.salesforce.com'],
      clockSkewSeconds: 10,
      maxAssertionLifetimeSeconds: 120,
      accessTokenLifetimeSeconds: 600,
      requireAsymmetricM2M: true,
    });
    await core.services.users.create({ username: 'u@acme.test', profile: 'Integration', permissionSets: ['ERP'], permissions: ['ApiEnabled'], loginIpRanges: ['10.0.0.0/8'] });
    await core.services.apps.create({
      name: 'erp',
      consumerKey: 'erp-key',
      scopes: ['api', 'openid'],
      accessTokenFormat: 'opaque',
      assertionProfile: 'salesforce-compat',
      keyCustody: 'kms',
      policies: { profiles: ['Integration'], ipRelaxation: 'relax', sessionTimeoutMinutes: 15 },
    });
  });
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('org: changing the base URL keeps the name, audiences and time policies', async () => {
    const org = await core.services.orgs.upsert({ baseUrl: 'http://127.0.0.1:8080' });
    expect(org).toMatchObject({
      name: 'Acme',
      baseUrl: 'http://127.0.0.1:8080',
      extraAudiences: ['https://login.salesforce.com'],
      clockSkewSeconds: 10,
      maxAssertionLifetimeSeconds: 120,
      accessTokenLifetimeSeconds: 600,
      requireAsymmetricM2M: true,
    });
  });

  it('user: locking keeps the profile, permission sets, permissions and ranges', async () => {
    const user = await core.services.users.update({ username: 'u@acme.test' }, { locked: true });
    expect(user).toMatchObject({ locked: true, profile: 'Integration', permissionSets: ['ERP'], permissions: ['ApiEnabled'], loginIpRanges: ['10.0.0.0/8'] });
  });

  it('app: changing one setting keeps the scopes, profile, token format, custody and policies', async () => {
    const app = await core.services.apps.update({ consumerKey: 'erp-key' }, { requireJti: false, policies: { trustedIpRanges: ['192.0.2.0/24'] } });
    expect(app).toMatchObject({
      requireJti: false,
      scopes: ['api', 'openid'],
      accessTokenFormat: 'opaque',
      assertionProfile: 'salesforce-compat',
      keyCustody: 'kms',
      policies: { profiles: ['Integration'], ipRelaxation: 'relax', sessionTimeoutMinutes: 15, trustedIpRanges: ['192.0.2.0/24'] },
    });
    const settings = await core.services.apps.updateOAuthSettings({ consumerKey: 'erp-key' }, { flows: { usernamePassword: false } });
    expect(settings.scopes).toEqual(['api', 'openid']);
  });
});
