/**
 * Several instances, one truth (issue 6): two Keygate servers on one PostgreSQL, with and
 * without Redis. Replay, revocation, configuration changes and signing keys must agree across
 * both, within one second where a change has to travel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { APP_NAME, USERNAME, requestToken, startTwoInstances, userinfo, within, type TwoInstances } from './scale-harness.js';

describe.each([
  { mode: 'PostgreSQL', redis: false },
  { mode: 'PostgreSQL+Redis', redis: true },
])('two instances on $mode', ({ redis }) => {
  let pair: TwoInstances;
  beforeAll(async () => {
    pair = await startTwoInstances({ redis });
  });
  afterAll(() => pair?.close());

  it('RFC 7523 §3 item 7: of 50 concurrent copies of one assertion split across both instances, exactly one gets a token', async () => {
    const assertion = await pair.assertion();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => requestToken(i % 2 ? pair.b : pair.a, assertion)));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused).toHaveLength(49);
    for (const answer of refused) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_grant');
    }
  });

  it('both instances publish the same JWKS and accept each other’s access tokens', async () => {
    const [jwksA, jwksB] = await Promise.all(
      [pair.a, pair.b].map(async (s) => (await fetch(`${s.url}/id/keys`)).json() as Promise<{ keys: unknown[] }>),
    );
    expect(jwksA.keys).toHaveLength(1);
    expect(jwksB).toEqual(jwksA);
    const fromA = await requestToken(pair.a, await pair.assertion());
    const fromB = await requestToken(pair.b, await pair.assertion());
    expect(await userinfo(pair.b, String(fromA.body.access_token))).toBe(200);
    expect(await userinfo(pair.a, String(fromB.body.access_token))).toBe(200);
  });

  it('RFC 7009 §2: a token revoked on one instance is refused by the other within one second', async () => {
    const token = String((await requestToken(pair.a, await pair.assertion())).body.access_token);
    expect(await userinfo(pair.b, token)).toBe(200);
    const revoked = await fetch(`${pair.a.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status).toBe(200);
    const ms = await within(1000, async () => (await userinfo(pair.b, token)) === 401);
    expect(ms).toBeLessThanOrEqual(1000);
  });

  it('a certificate uploaded through one instance is accepted by the other within one second, and refused once removed', async () => {
    const next = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'scale-erp-next', days: 30 });
    expect((await requestToken(pair.b, await pair.assertion(next.privateKeyPem))).status).toBe(400);
    const cert = await pair.a.services.apps.addCertificate({ name: APP_NAME }, next.certificatePem);
    await within(1000, async () => (await requestToken(pair.b, await pair.assertion(next.privateKeyPem))).status === 200);
    await pair.a.services.apps.removeCertificate({ name: APP_NAME }, cert.id);
    await within(1000, async () => (await requestToken(pair.b, await pair.assertion(next.privateKeyPem))).status === 400);
    expect((await requestToken(pair.b, await pair.assertion())).status).toBe(200);
  });

  it('a flow disabled through one instance is refused by the other within one second', async () => {
    await pair.a.services.apps.update({ name: APP_NAME }, { flows: { jwtBearer: false } });
    try {
      await within(1000, async () => (await requestToken(pair.b, await pair.assertion())).status !== 200);
    } finally {
      await pair.a.services.apps.update({ name: APP_NAME }, { flows: { jwtBearer: true } });
    }
    await within(1000, async () => (await requestToken(pair.b, await pair.assertion())).status === 200);
  });

  it('a user deactivated through one instance is refused by the other within one second', async () => {
    // `profile` is restated because a partial update currently resets omitted fields to their defaults.
    await pair.b.services.users.update({ username: USERNAME }, { active: false, profile: 'Integration' });
    try {
      await within(1000, async () => (await requestToken(pair.a, await pair.assertion())).status !== 200);
    } finally {
      await pair.b.services.users.update({ username: USERNAME }, { active: true, profile: 'Integration' });
    }
    await within(1000, async () => (await requestToken(pair.a, await pair.assertion())).status === 200);
  });
});
