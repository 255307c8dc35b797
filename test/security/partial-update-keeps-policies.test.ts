/**
 * Policies survive admin changes that do not name them, so that rules step 9 (network policy)
 * and step 8 (pre-authorization) cannot silently disappear.
 *
 * Regression: src/admin/inputs.ts built UpdateUserInput / UpdateAppInput with `.partial()`
 * over schema fields that carry `.default(...)`; under zod 4 a default can still apply to an
 * absent key, so a partial update reset fields it did not name. Locking a user reset the profile and
 * wiped its login IP ranges; changing one policy wiped the app's pre-authorized profiles,
 * permission sets and trusted IP ranges (and an update could reset scopes and the token format).
 * A network restriction silently disappeared. Found by these protocol tests; the admin owner's
 * fix (defaults unwrapped for updates) was in progress in the same tree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOAuthError } from '../helpers/expect-oauth.js';
import { APPS, USERS, startHarness, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('admin partial updates keep the policies they do not name', () => {
  it('rules step 9: a partial user update (locked: false) keeps the profile and its login IP ranges', async () => {
    await h.services.users.update({ username: USERS.ranged }, { locked: false });
    const user = await h.services.users.get({ username: USERS.ranged });
    expect(user.loginIpRanges).toStrictEqual(['10.1.0.0/16']);
    const response = await h.grant(h.assertion({ claims: { sub: USERS.ranged } }), {}, { remoteAddress: '198.51.100.7' });
    expectOAuthError(response, 400, 'invalid_grant', 'ip restricted');
  });

  it('rules step 9: a partial policy update (session timeout) keeps the app\'s trusted IP ranges and pre-authorizations', async () => {
    await h.services.apps.update({ consumerKey: APPS.ip }, { policies: { sessionTimeoutMinutes: 30 } });
    const app = await h.services.apps.get({ consumerKey: APPS.ip });
    expect(app.policies.trustedIpRanges).toStrictEqual(['192.0.2.0/24']);
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ip } }), {}, { remoteAddress: '198.51.100.7' });
    expectOAuthError(response, 400, 'invalid_grant', 'ip restricted');
  });

  it('issue 2: an update that does not name the scopes or token format keeps them', async () => {
    await h.services.apps.update({ consumerKey: APPS.opaque }, { contactEmail: 'new@acme.test' });
    const app = await h.services.apps.get({ consumerKey: APPS.opaque });
    expect(app.scopes).toStrictEqual(['api', 'openid', 'refresh_token']);
    expect(app.accessTokenFormat).toBe('opaque');
  });
});
