/**
 * RFC 6749 §4.3 and §10.10 at the legacy password grant: an unknown username must not be told
 * from a wrong password, neither by the answer nor by the work done before it. The work is
 * counted as calls to the scrypt check (a timing measurement would be flaky), so the secrets
 * module is wrapped, not replaced.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as secrets from '../../src/platform/secrets.js';
import { expectLoginFailure, expectOAuthError } from '../helpers/expect-oauth.js';
import { APPS, USERS, basicAuthorization, startHarness, type Harness } from '../helpers/keygate-harness.js';

vi.mock('../../src/platform/secrets.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/platform/secrets.js')>();
  return { ...original, verifySecret: vi.fn(original.verifySecret) };
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  vi.mocked(secrets.verifySecret).mockClear();
});

describe('RFC 6749 §10.10: the password grant does not reveal which users exist', () => {
  const attempt = (username: string) =>
    h.token({ grant_type: 'password', username, password: 'wrong-password-123' }, { headers: basicAuthorization(APPS.password, h.secrets.passwordApp) });

  it('RFC 6749 §10.10: an unknown user costs the same scrypt checks as a wrong password, and gets the same answer', async () => {
    expectOAuthError(await attempt(USERS.pw), 400, 'invalid_grant', 'authentication failure');
    await expectLoginFailure(h, 'invalid_grant', 'password_mismatch');
    const forWrongPassword = vi.mocked(secrets.verifySecret).mock.calls.length;
    vi.mocked(secrets.verifySecret).mockClear();

    expectOAuthError(await attempt('nobody@acme.test'), 400, 'invalid_grant', 'authentication failure');
    await expectLoginFailure(h, 'invalid_grant', 'password_mismatch');
    // The consumer secret, then the password (or the decoy standing in for it).
    expect(forWrongPassword).toBe(2);
    expect(vi.mocked(secrets.verifySecret).mock.calls.length).toBe(forWrongPassword);
  });

  it('RFC 6749 §10.10: a user who has no password costs the same scrypt checks too', async () => {
    expectOAuthError(await attempt(USERS.integration), 400, 'invalid_grant', 'authentication failure');
    await expectLoginFailure(h, 'invalid_grant', 'password_mismatch');
    expect(vi.mocked(secrets.verifySecret).mock.calls.length).toBe(2);
  });
});
