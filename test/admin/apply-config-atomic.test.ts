/**
 * `keygate.yaml` is applied in one transaction (issue: "an invalid file stops start-up"): a
 * file refused part-way changes nothing, a refused certificate is named by its own key, and
 * instances starting together on one PostgreSQL database apply it one after the other instead
 * of both creating the same user.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/admin/apply-config.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { openKeygate, type KeygateCore } from '../../src/main.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createSchema, dropSchema } from '../../src/storage/postgres/postgres-database.js';
import { TEST_DATABASE_URL } from '../contract/backends.js';

const BASE = { org: { name: 'Acme', baseUrl: 'https://id.acme.test' }, users: [{ username: 'alice@acme.test', profile: 'Integration' }] };

describe('applying keygate.yaml atomically', () => {
  let dataDir: string;
  let core: KeygateCore;
  let expiredPem: string;
  const file = (content: object) => parseConfig(JSON.stringify(content), { baseDir: dataDir, env: {} });

  async function refusal(content: object): Promise<ConfigError> {
    const err: unknown = await applyConfig(core.services, file(content), { prune: false }).then(
      () => new Error('the file was applied'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }

  async function state() {
    const [org, alice, apps] = await Promise.all([core.services.orgs.get(), core.services.users.get({ username: 'alice@acme.test' }), core.services.apps.list()]);
    return { org: org.name, profile: alice.profile, apps: apps.map((a) => a.name) };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-apply-atomic-'));
    core = await openKeygate({ dataDir });
    const expired = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'old', days: 1, notBefore: new Date(Date.now() - 3 * 86_400_000) });
    expiredPem = expired.certificatePem;
    await applyConfig(core.services, file(BASE), { prune: false });
  });
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applied twice, changes nothing the second time: no update counted, no updatedAt moved', async () => {
    const { certificatePem } = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'same', days: 30 });
    const content = { ...BASE, apps: [{ name: 'same', certificates: [{ pem: certificatePem }], flows: { jwtBearer: true }, policies: { profiles: ['Integration'] } }] };
    await applyConfig(core.services, file(content), { prune: false });
    const before = await core.services.apps.get({ name: 'same' });
    const again = await applyConfig(core.services, file(content), { prune: false });
    expect(again).toEqual({ created: [], updated: [], removed: [], undeclared: [], kept: [] });
    expect(await core.services.apps.get({ name: 'same' })).toEqual(before);
    await core.services.apps.delete({ name: 'same' });
  });

  it('names a refused certificate by the key it was given in, and writes nothing of the file', async () => {
    const err = await refusal({
      org: { ...BASE.org, name: 'Renamed' },
      users: [{ username: 'alice@acme.test', profile: 'Changed' }],
      apps: [{ name: 'erp', certificates: [{ pem: expiredPem }] }],
    });
    expect(err.path).toBe('apps.0.certificates.0.pem');
    expect(err.message).toMatch(/^apps\.0\.certificates\.0\.pem: the certificate expired on /);
    expect(await state()).toEqual({ org: 'Acme', profile: 'Integration', apps: [] });
  });

  it('rolls back what came before a refusal found while writing', async () => {
    const err = await refusal({
      org: { ...BASE.org, name: 'Renamed' },
      users: [{ username: 'alice@acme.test', profile: 'Changed' }],
      apps: [{ name: 'first' }, { name: 'cc', flows: { clientCredentials: true }, clientCredentialsRunAs: 'nobody@acme.test' }],
    });
    expect(err.path).toBe('apps.1.clientCredentialsRunAs');
    expect(err.message).not.toMatch(/clientCredentialsRunAs: clientCredentialsRunAs/);
    expect(await state()).toEqual({ org: 'Acme', profile: 'Integration', apps: [] });
  });

  it('names a password refused from its variable by the key of the file, passwordEnv, and says the field once', async () => {
    const content = { ...BASE, users: [...BASE.users, { username: 'bob@acme.test', passwordEnv: 'BOB_PASSWORD' }] };
    const parsed = parseConfig(JSON.stringify(content), { baseDir: dataDir, env: { BOB_PASSWORD: 'short' } });
    const err: unknown = await applyConfig(core.services, parsed, { prune: false }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ path: 'users.1.passwordEnv', message: 'users.1.passwordEnv: must be at least 12 characters' });
  });
});

describe('applying keygate.yaml from two instances at once, on one PostgreSQL database', () => {
  const schema = `keygate_apply_${randomBytes(6).toString('hex')}`;
  const cores: KeygateCore[] = [];

  beforeAll(async () => {
    await createSchema(TEST_DATABASE_URL, schema);
    for (let i = 0; i < 2; i += 1) cores.push(await openKeygate({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, poolSize: 2 }));
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.close()));
    await dropSchema(TEST_DATABASE_URL, schema);
  });

  it('both succeed: the second applies the file over what the first created', async () => {
    const config = parseConfig(JSON.stringify({ ...BASE, apps: [{ name: 'erp' }] }), { baseDir: '/nonexistent', env: {} });
    const results = await Promise.all(cores.map((core) => applyConfig(core.services, config, { prune: false })));
    expect(results.map((r) => [...r.created].sort())).toContainEqual(['app erp', 'user alice@acme.test']);
    expect(results.map((r) => r.created.length).sort()).toEqual([0, 2]);
    expect((await cores[0]!.services.users.list()).map((u) => u.username)).toEqual(['alice@acme.test']);
  });
});
