/**
 * The rules' steps 7 to 9 (Salesforce's app policies, applied once the signature holds): the
 * user's standing, the permitted-users policy (admin approved / self authorized) and the
 * network policy (app trusted ranges, profile login ranges, relaxation), including the
 * client address behind a trusted proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFreshAssertionStillWorks, expectGrantRefused, expectLoginFailure, expectOAuthError, expectTokenResponse } from '../helpers/expect-oauth.js';
import { APPS, USERS, startHarness, updateAppPolicies, updateUser, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ec = (claims: Record<string, unknown>) => h.assertion({ key: h.keys.ec, claims });

describe('rules step 7: the user is active and unlocked', () => {
  it('rules step 7: an inactive user is "invalid user"', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { sub: USERS.inactive } })), 'invalid_grant', 'invalid user', 'user_inactive');
  });

  it('rules step 7: a locked user is "invalid user"', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ claims: { sub: USERS.locked } })), 'invalid_grant', 'invalid user', 'user_locked');
  });

  it('rules step 7: deactivating a user takes effect on the next request; reactivating restores access', async () => {
    await updateUser(h, USERS.svc, { active: false });
    try {
      expectOAuthError(await h.grant(h.assertion({ claims: { sub: USERS.svc } })), 400, 'invalid_grant', 'invalid user');
    } finally {
      await updateUser(h, USERS.svc, { active: true });
    }
    expectTokenResponse(await h.grant(h.assertion({ claims: { sub: USERS.svc } })));
  });

  it('rules step 7: the login history names the refused user and the reason', async () => {
    await h.grant(h.assertion({ claims: { sub: USERS.locked } }));
    const row = await h.lastLogin();
    expect(row).toMatchObject({ outcome: 'failure', username: USERS.locked, reason: 'user_locked', errorCode: 'invalid_grant', appName: 'RSA App', grant: 'jwt-bearer', scope: null });
  });
});

describe('rules step 8: permitted users', () => {
  it('rules step 8: a user whose profile is pre-authorized gets a token', async () => {
    expectTokenResponse(await h.grant(h.assertion()));
  });

  it('rules step 8: a user pre-authorized through a permission set only gets a token', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { sub: USERS.permset } })));
  });

  it('rules step 8: a user neither of whose profile nor permission sets is listed is invalid_app_access', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.outsider } }));
    await expectGrantRefused(h, response, 'invalid_app_access', 'user is not admin approved to access this app', 'user_not_preauthorized');
  });

  it('rules step 8: removing the permission set from the app revokes the pre-authorization', async () => {
    await updateAppPolicies(h, APPS.ec, { permissionSets: [] });
    try {
      expectOAuthError(await h.grant(ec({ iss: APPS.ec, sub: USERS.permset })), 400, 'invalid_app_access', 'user is not admin approved to access this app');
    } finally {
      await updateAppPolicies(h, APPS.ec, { permissionSets: ['ERP Access'] });
    }
    expectTokenResponse(await h.grant(ec({ iss: APPS.ec, sub: USERS.permset })));
  });

  it('rules step 8: under the self-authorized policy a user who approved the app gets a token', async () => {
    expectTokenResponse(await h.grant(ec({ iss: APPS.self, sub: USERS.approver })));
  });

  it('rules step 8: under the self-authorized policy a user who never approved the app is refused, even with a pre-authorized profile', async () => {
    const response = await h.grant(ec({ iss: APPS.self, sub: USERS.integration }));
    await expectGrantRefused(h, response, 'invalid_grant', "user hasn't approved this consumer", 'user_not_approved', { options: { key: h.keys.ec, claims: { iss: APPS.self, sub: USERS.approver } } });
  });
});

describe('rules step 9: network policy', () => {
  it('rules step 9: from inside the app\'s trusted ranges a token is issued', async () => {
    expectTokenResponse(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '192.0.2.10' }));
    expect((await h.lastLogin()).clientAddress).toBe('192.0.2.10');
  });

  it('rules step 9: from outside the app\'s trusted ranges: "ip restricted"', async () => {
    const response = await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '198.51.100.7' });
    await expectGrantRefused(h, response, 'invalid_grant', 'ip restricted', 'ip_outside_app_ranges');
  });

  it('rules step 9: an IPv4-mapped IPv6 address is judged as its IPv4 address', async () => {
    expectTokenResponse(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '::ffff:192.0.2.10' }));
    expectOAuthError(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '::ffff:198.51.100.7' }), 400, 'invalid_grant', 'ip restricted');
  });

  it('rules step 9: an IPv6 address outside IPv4 ranges is "ip restricted"', async () => {
    expectOAuthError(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '2001:db8::1' }), 400, 'invalid_grant', 'ip restricted');
  });

  it('rules step 9: outside the user\'s profile login ranges: "ip restricted"', async () => {
    const response = await h.grant(h.assertion({ claims: { sub: USERS.ranged } }), {}, { remoteAddress: '127.0.0.1' });
    await expectGrantRefused(h, response, 'invalid_grant', 'ip restricted', 'ip_outside_profile_ranges');
  });

  it('rules step 9: inside the user\'s profile login ranges a token is issued', async () => {
    expectTokenResponse(await h.grant(h.assertion({ claims: { sub: USERS.ranged } }), {}, { remoteAddress: '10.1.200.3' }));
  });

  it('rules step 9: app and profile ranges both apply: inside the app\'s, outside the profile\'s is refused', async () => {
    const response = await h.grant(ec({ iss: APPS.ip, sub: USERS.ranged }), {}, { remoteAddress: '192.0.2.10' });
    await expectGrantRefused(h, response, 'invalid_grant', 'ip restricted', 'ip_outside_profile_ranges');
  });

  it('rules step 9: IP relaxation "relax" lifts both the app\'s and the profile\'s ranges', async () => {
    expectTokenResponse(await h.grant(ec({ iss: APPS.relaxed }), {}, { remoteAddress: '198.51.100.7' }));
    expectTokenResponse(await h.grant(ec({ iss: APPS.relaxed, sub: USERS.ranged }), {}, { remoteAddress: '198.51.100.7' }));
  });

  it('rules step 9: switching the app to "relax" and back takes effect at once', async () => {
    await updateAppPolicies(h, APPS.ip, { ipRelaxation: 'relax' });
    try {
      expectTokenResponse(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '198.51.100.7' }));
    } finally {
      await updateAppPolicies(h, APPS.ip, { ipRelaxation: 'enforce' });
    }
    expectOAuthError(await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '198.51.100.7' }), 400, 'invalid_grant', 'ip restricted');
  });

  it('rules step 9: X-Forwarded-For is ignored when no proxy is trusted', async () => {
    const response = await h.grant(ec({ iss: APPS.ip }), {}, { remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': '192.0.2.10' } });
    expectOAuthError(response, 400, 'invalid_grant', 'ip restricted');
    await expectLoginFailure(h, 'invalid_grant', 'ip_outside_app_ranges', { clientAddress: '198.51.100.7' });
    await expectFreshAssertionStillWorks(h);
  });
});

describe('rules step 9 behind a trusted proxy', () => {
  let proxied: Harness;
  beforeAll(async () => {
    proxied = await startHarness({ trustedProxies: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await proxied?.close();
  });
  const assertion = () => proxied.assertion({ key: proxied.keys.ec, claims: { iss: APPS.ip } });

  it('issue 2, TLS: X-Forwarded-For is read when the request comes from the trusted proxy', async () => {
    expectTokenResponse(await proxied.grant(assertion(), {}, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '192.0.2.10' } }));
    expect((await proxied.lastLogin()).clientAddress).toBe('192.0.2.10');
    const refused = await proxied.grant(assertion(), {}, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } });
    expectOAuthError(refused, 400, 'invalid_grant', 'ip restricted');
  });

  it('issue 2, TLS: a forwarded address with a port is read without it; one that is no address is unknown and fails the policy', async () => {
    expectTokenResponse(await proxied.grant(assertion(), {}, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '192.0.2.10:443' } }));
    expect((await proxied.lastLogin()).clientAddress).toBe('192.0.2.10');
    for (const forged of ['192.0.2.10<script>', '010.0.2.10']) {
      const refused = await proxied.grant(assertion(), {}, { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forged } });
      expectOAuthError(refused, 400, 'invalid_grant', 'ip restricted');
      expect((await proxied.lastLogin()).clientAddress).toBe('unknown');
    }
  });

  it('issue 2, TLS: X-Forwarded-For from an untrusted address is ignored', async () => {
    const response = await proxied.grant(assertion(), {}, { remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': '192.0.2.10' } });
    expectOAuthError(response, 400, 'invalid_grant', 'ip restricted');
    expect((await proxied.lastLogin()).clientAddress).toBe('198.51.100.7');
  });
});
