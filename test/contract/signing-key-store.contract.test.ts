/** SigningKeyStore contract: instances starting together end up with one shared key. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSigningKey } from '../../src/oauth/ports.js';
import type { OpenedStores } from '../../src/storage/open-stores.js';
import { BACKENDS, type BackendRun } from './backends.js';

const candidate = (): StoredSigningKey => ({ kid: randomUUID().slice(0, 16), alg: 'ES256', privateKeyPem: `pem-${randomUUID()}`, createdAt: Date.now() });

describe.each(BACKENDS)('SigningKeyStore on $name', (backend) => {
  let run: BackendRun;
  let stores: OpenedStores[];
  beforeAll(async () => {
    run = await backend.start();
    stores = [await run.open(), await run.open(), await run.open()];
  });
  afterAll(() => run?.dispose());

  it('of keys proposed concurrently by three instances on an empty store, exactly one is kept and all agree', async () => {
    const results = await Promise.all(stores.map((s) => s.signingKeys.ensureSigningKey(candidate())));
    expect(results[0]).toHaveLength(1);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(await stores[1]!.signingKeys.listSigningKeys()).toEqual(results[0]);
  });

  it('keeps the existing key when another is proposed later', async () => {
    const before = await stores[0]!.signingKeys.listSigningKeys();
    expect(await stores[2]!.signingKeys.ensureSigningKey(candidate())).toEqual(before);
  });
});
