/** ReplayStore contract (RFC 7523 §3 item 7: a `jti` is used once), on every backend. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, twoInstancesOf } from './backends.js';

const future = () => Math.floor(Date.now() / 1000) + 300;

describe.each(BACKENDS)('ReplayStore on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  it('RFC 7523 §3: the first use of a jti is fresh, the second is a replay', async () => {
    const jti = randomUUID();
    expect(await suite.one.replay.consume('app-a', jti, future())).toBe(true);
    expect(await suite.one.replay.consume('app-a', jti, future())).toBe(false);
  });

  it('keeps each app’s jti values apart (namespace)', async () => {
    const jti = randomUUID();
    expect(await suite.one.replay.consume('app-a', jti, future())).toBe(true);
    expect(await suite.one.replay.consume('app-b', jti, future())).toBe(true);
  });

  it('of 50 concurrent uses of one jti in one instance, exactly one is fresh', async () => {
    const jti = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => suite.one.replay.consume('app-a', jti, future())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('of 50 concurrent uses of one jti split across two instances, exactly one is fresh', async () => {
    const jti = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? suite.one : suite.two).replay.consume('app-a', jti, future())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a use seen by one instance is a replay on the other', async () => {
    const jti = randomUUID();
    expect(await suite.one.replay.consume('app-a', jti, future())).toBe(true);
    expect(await suite.two.replay.consume('app-a', jti, future())).toBe(false);
  });

  it('accepts a long key (a hash of the whole assertion when jti is absent)', async () => {
    const key = 'x'.repeat(512) + randomUUID();
    expect(await suite.one.replay.consume('app-a', key, future())).toBe(true);
    expect(await suite.two.replay.consume('app-a', key, future())).toBe(false);
  });
});
