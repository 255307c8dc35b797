/**
 * `keygate serve --config`: a certificate or a consumer secret taken out of the file. It may be
 * one that leaked, so it must not go on working unnoticed: `--prune` removes it, and without
 * `--prune` the apply result names it (serve prints a warning for each).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/admin/apply-config.js';
import { parseConfig } from '../../src/config/load.js';
import { openKeygate, type KeygateCore } from '../../src/main.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';

describe('applying keygate.yaml: certificates the file no longer lists', () => {
  let dataDir: string;
  let core: KeygateCore;
  let pems: { old: string; current: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-apply-'));
    core = await openKeygate({ dataDir });
    const [old, current] = await Promise.all([
      generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp-old', days: 30 }),
      generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp-current', days: 30 }),
    ]);
    pems = { old: old.certificatePem, current: current.certificatePem };
  });
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const file = (certificates: string[]) =>
    parseConfig(
      JSON.stringify({
        org: { baseUrl: 'https://id.acme.test' },
        apps: [{ name: 'erp', certificates: certificates.map((pem) => ({ pem })), flows: { jwtBearer: true } }],
      }),
      { baseDir: dataDir, env: {} },
    );
  const subjects = async () => (await core.services.apps.get({ name: 'erp' })).certificates.map((c) => c.subject).sort();

  it('keeps it without --prune and names it in the result; removes it with --prune', async () => {
    await applyConfig(core.services, file([pems.old, pems.current]), { prune: false });
    expect(await subjects()).toEqual(['CN=erp-current', 'CN=erp-old']);
    const old = (await core.services.apps.get({ name: 'erp' })).certificates.find((c) => c.subject === 'CN=erp-old')!;

    const kept = await applyConfig(core.services, file([pems.current]), { prune: false });
    expect(kept.undeclared).toEqual([`certificate ${old.fingerprintSha256} of app erp`]);
    expect(kept.removed).toEqual([]);
    expect(await subjects()).toEqual(['CN=erp-current', 'CN=erp-old']);

    const pruned = await applyConfig(core.services, file([pems.current]), { prune: true });
    expect(pruned.removed).toEqual([`certificate ${old.fingerprintSha256} of app erp`]);
    expect(pruned.undeclared).toEqual([]);
    expect(await subjects()).toEqual(['CN=erp-current']);
  });

  it('a consumer secret the file no longer declares: kept and named without --prune, removed with it', async () => {
    const withSecret = (declare: boolean) =>
      parseConfig(
        JSON.stringify({ org: { baseUrl: 'https://id.acme.test' }, apps: [{ name: 'billing', ...(declare && { consumerSecretEnv: 'BILLING_SECRET' }) }] }),
        { baseDir: dataDir, env: { BILLING_SECRET: 'billing-secret-0123456789abcdef' } },
      );
    const hasSecret = async () => (await core.services.apps.get({ name: 'billing' })).consumerSecretHash !== null;
    await applyConfig(core.services, withSecret(true), { prune: false });
    expect(await hasSecret()).toBe(true);
    expect((await applyConfig(core.services, withSecret(false), { prune: false })).undeclared).toEqual(['consumer secret of app billing']);
    expect(await hasSecret()).toBe(true);
    // --prune also deletes the app of the first test, which this file does not declare.
    expect((await applyConfig(core.services, withSecret(false), { prune: true })).removed).toEqual(['consumer secret of app billing', 'app erp']);
    expect(await hasSecret()).toBe(false);
    expect((await applyConfig(core.services, withSecret(false), { prune: false })).undeclared).toEqual([]);
  });

  it('--prune keeps, and names, an undeclared app granting the admin scope and an undeclared user holding ManageUsers', async () => {
    await core.services.users.create({ username: 'root@acme.test', permissions: ['ManageUsers'] });
    await core.services.users.create({ username: 'temp@acme.test' });
    await core.services.apps.create({ name: 'Admin CLI', scopes: ['admin', 'api'] });
    const bare = parseConfig(JSON.stringify({ org: { baseUrl: 'https://id.acme.test' } }), { baseDir: dataDir, env: {} });
    const result = await applyConfig(core.services, bare, { prune: true });
    expect(result.removed).toEqual(['app billing', 'user temp@acme.test']);
    expect(result.kept).toEqual(['app Admin CLI, which grants the admin scope', 'user root@acme.test, who holds ManageUsers']);
    expect((await core.services.apps.list()).map((a) => a.name)).toEqual(['Admin CLI']);
    expect((await core.services.users.list()).map((u) => u.username)).toEqual(['root@acme.test']);
  });

  it('a user declared in another letter case is the same user: updated, not created, and not pruned', async () => {
    await core.services.users.create({ username: 'Mixed@Acme.test', profile: 'Integration' });
    const declared = parseConfig(JSON.stringify({ org: { baseUrl: 'https://id.acme.test' }, users: [{ username: 'mixed@acme.test', profile: 'Analyst' }] }), { baseDir: dataDir, env: {} });
    const result = await applyConfig(core.services, declared, { prune: true });
    expect(result.created).toEqual([]);
    expect(result.updated).toEqual(['user mixed@acme.test']);
    expect(result.removed).not.toContain('user Mixed@Acme.test');
    expect((await core.services.users.get({ username: 'MIXED@ACME.TEST' })).profile).toBe('Analyst');
    await core.services.users.delete({ username: 'mixed@acme.test' });
  });

  it('--prune keeps, and names, an undeclared user that a declared app runs its Client Credentials flow as', async () => {
    await core.services.users.create({ username: 'runner@acme.test' });
    const declared = parseConfig(
      JSON.stringify({ org: { baseUrl: 'https://id.acme.test' }, apps: [{ name: 'payroll', clientCredentialsRunAs: 'Runner@acme.test' }] }),
      { baseDir: dataDir, env: {} },
    );
    const result = await applyConfig(core.services, declared, { prune: true });
    expect(result.removed).toEqual([]);
    expect(result.kept).toContain("user runner@acme.test, whom an app's Client Credentials flow runs as");
    expect((await core.services.users.get({ username: 'runner@acme.test' })).username).toBe('runner@acme.test');
  });
});
