/**
 * `org.accessTokenLifetimeSeconds` is the session timeout of an app that names none: the admin
 * services give it to an app created without one, and `keygate.yaml` re-applies it on every
 * start to each app that declares none, so those apps follow the org.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/admin/apply-config.js';
import { parseConfig } from '../../src/config/load.js';
import { openKeygate, type KeygateCore } from '../../src/main.js';

describe('the org access-token lifetime as the default session timeout', () => {
  let dataDir: string;
  let core: KeygateCore;
  const timeoutOf = async (name: string) => (await core.services.apps.get({ name })).policies.sessionTimeoutMinutes;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-session-default-'));
    core = await openKeygate({ dataDir });
  });
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('an app created without a session timeout gets the org lifetime in minutes; one that names its own keeps it', async () => {
    await core.services.orgs.upsert({ baseUrl: 'https://id.acme.test', accessTokenLifetimeSeconds: 1800 });
    await core.services.apps.create({ name: 'follows' });
    await core.services.apps.create({ name: 'own', policies: { sessionTimeoutMinutes: 10 } });
    expect(await timeoutOf('follows')).toBe(30);
    expect(await timeoutOf('own')).toBe(10);
  });

  it('keygate.yaml: an app that declares none follows the org at every apply, rounded up to whole minutes', async () => {
    const file = (lifetime: number) =>
      parseConfig(
        JSON.stringify({
          org: { baseUrl: 'https://id.acme.test', accessTokenLifetimeSeconds: lifetime },
          apps: [{ name: 'declared-none' }, { name: 'declared-five', policies: { sessionTimeoutMinutes: 5 } }],
        }),
        { baseDir: dataDir, env: {} },
      );
    await applyConfig(core.services, file(900), { prune: false });
    expect(await timeoutOf('declared-none')).toBe(15);
    expect(await timeoutOf('declared-five')).toBe(5);
    await applyConfig(core.services, file(90), { prune: false });
    expect(await timeoutOf('declared-none')).toBe(2);
    expect(await timeoutOf('declared-five')).toBe(5);
  });
});
