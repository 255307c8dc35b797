/** AdminStore (and DirectorySource) contract: what is written reads back the same, and a failed transaction leaves nothing. */
import { describe, expect, it } from 'vitest';
import type { OpenedStores } from '../../src/storage/open-stores.js';
import { BACKENDS, twoInstancesOf } from './backends.js';
import { aCertificate, anApp, anOrg, aUser } from './fixtures.js';

describe.each(BACKENDS)('AdminStore on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  it('saves the org and overwrites it in place', async () => {
    expect(await suite.one.admin.getOrg()).toBeUndefined();
    const org = anOrg();
    await suite.one.admin.saveOrg(org);
    expect(await suite.two.admin.getOrg()).toEqual(org);
    const renamed = { ...org, name: 'Renamed', requireAsymmetricM2M: true, extraAudiences: [] };
    await suite.two.admin.saveOrg(renamed);
    expect(await suite.one.admin.getOrg()).toEqual(renamed);
  });

  it('inserts, finds, updates and deletes users', async () => {
    const user = aUser();
    await suite.one.admin.insertUser(user);
    expect(await suite.two.admin.findUser({ id: user.id })).toEqual(user);
    expect(await suite.two.admin.findUser({ username: user.username })).toEqual(user);
    const deactivated = { ...user, active: false, locked: true, passwordHash: 'scrypt$x', totpSecret: 'JBSWY3DP', tokensRevokedAt: new Date(Date.UTC(2030, 0, 1, 12, 0, 0, 123)) };
    await suite.two.admin.updateUser(deactivated);
    expect(await suite.one.admin.findUser({ id: user.id })).toEqual(deactivated);
    expect((await suite.one.admin.listUsers()).map((u) => u.id)).toContain(user.id);
    await suite.one.admin.deleteUser(user.id);
    expect(await suite.two.admin.findUser({ id: user.id })).toBeUndefined();
  });

  it('inserts apps with certificates, finds them three ways, removes certificates and apps', async () => {
    const app = anApp({ consumerSecretHash: 'scrypt$y', consumerSecretCreatedAt: new Date(Date.UTC(2030, 1, 1)) });
    const [first, second] = [await aCertificate(), await aCertificate()];
    await suite.one.admin.insertApp(app);
    await suite.one.admin.addCertificate(app.id, first);
    await suite.one.admin.addCertificate(app.id, { ...second, addedAt: new Date(first.addedAt.getTime() + 1000) });
    const found = await suite.two.admin.findApp({ consumerKey: app.consumerKey });
    expect(found).toEqual({ ...app, certificates: [first, { ...second, addedAt: new Date(first.addedAt.getTime() + 1000) }] });
    expect(await suite.two.admin.findApp({ id: app.id })).toEqual(found);
    expect(await suite.two.admin.findApp({ name: app.name })).toEqual(found);
    await suite.two.admin.updateApp({ ...app, flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false } });
    await suite.two.admin.removeCertificate(app.id, first.id);
    const after = await suite.one.admin.findApp({ id: app.id });
    expect(after?.flows.clientCredentials).toBe(true);
    expect(after?.certificates.map((c) => c.id)).toEqual([second.id]);
    expect((await suite.one.admin.listApps()).find((a) => a.id === app.id)?.certificates).toHaveLength(1);
    await suite.one.admin.deleteApp(app.id);
    expect(await suite.two.admin.findApp({ id: app.id })).toBeUndefined();
  });

  it('finds a user by a username differing only in letter case, the exact spelling first, and refuses a second one so spelt (unique constraint)', async () => {
    const user = aUser({ username: `Case-${Date.now()}@Example.com` });
    await suite.one.admin.insertUser(user);
    expect(await suite.two.admin.findUser({ username: user.username.toLowerCase() })).toEqual(user);
    expect(await suite.two.admin.findUser({ username: user.username.toUpperCase() })).toEqual(user);
    await expect(suite.two.admin.insertUser(aUser({ username: user.username.toLowerCase() }))).rejects.toThrow();
    await suite.two.admin.updateUser({ ...user, profile: 'Changed' });
    expect(await suite.one.admin.findUser({ username: user.username.toLowerCase() })).toMatchObject({ username: user.username, profile: 'Changed' });
    await suite.one.admin.deleteUser(user.id);
  });

  it('refuses a second app with the same name (unique constraint)', async () => {
    const app = anApp();
    await suite.one.admin.insertApp(app);
    await expect(suite.two.admin.insertApp(anApp({ name: app.name }))).rejects.toThrow();
  });

  it('commits a transaction as a whole', async () => {
    const app = anApp();
    const cert = await aCertificate();
    await suite.one.admin.transaction(async (store) => {
      await store.insertApp(app);
      await store.addCertificate(app.id, cert);
    });
    expect((await suite.two.admin.findApp({ id: app.id }))?.certificates).toHaveLength(1);
  });

  it('rolls a failed transaction back entirely', async () => {
    const app = anApp();
    const user = aUser();
    await expect(
      suite.one.admin.transaction(async (store) => {
        await store.insertApp(app);
        await store.insertUser(user);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await suite.two.admin.findApp({ id: app.id })).toBeUndefined();
    expect(await suite.two.admin.findUser({ id: user.id })).toBeUndefined();
  });

  it('serializes concurrent check-then-insert transactions from two instances', async () => {
    const name = anApp().name;
    const attempt = (stores: OpenedStores) =>
      stores.admin.transaction(async (store) => {
        if (await store.findApp({ name })) return 'exists';
        await store.insertApp(anApp({ name }));
        return 'inserted';
      });
    const outcomes = await Promise.allSettled([attempt(suite.one), attempt(suite.two)]);
    const inserted = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'inserted');
    expect(inserted).toHaveLength(1);
    expect((await suite.one.admin.listApps()).filter((a) => a.name === name)).toHaveLength(1);
  });

  it('loads the whole directory in one call', async () => {
    const contents = await suite.two.admin.loadDirectory();
    expect(contents.org.name).toBe('Renamed');
    expect(contents.apps.length).toBeGreaterThan(0);
  });
});
