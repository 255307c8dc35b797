/**
 * RFC 7523 §3 item 9 (the JWT MUST be digitally signed) as the rules' steps 3 and 4 apply it
 * to an app's certificates: only certificates valid now verify (policy: stricter than
 * Salesforce), `kid` and `x5t#S256` select among several, and rotation keeps working
 * through add-new / remove-old.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGrantRefused, expectLoginFailure, expectOAuthError, expectTokenResponse } from '../helpers/expect-oauth.js';
import { APPS, T0, startHarness, type Harness } from '../helpers/keygate-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function certificateId(consumerKey: string, fingerprint: string): Promise<string> {
  const app = await h.services.apps.get({ consumerKey });
  const cert = app.certificates.find((c) => c.fingerprintSha256 === fingerprint);
  if (!cert) throw new Error('certificate not on the app');
  return cert.id;
}

describe('rules step 4: an expired certificate does not verify', () => {
  it('rules step 3: an app whose only certificate has expired answers "invalid assertion"', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.expired, claims: { iss: APPS.expired } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'no_valid_certificate');
  });

  it('rules step 4 (policy): a signature by the key of an expired certificate is refused even when the app holds a valid one', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.expired, claims: { iss: APPS.renewed } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ec, claims: { iss: APPS.renewed } } });
  });

  it('rules step 4: kid naming the expired certificate finds no key', async () => {
    const kid = await certificateId(APPS.renewed, h.keys.expired.fingerprint);
    const response = await h.grant(h.assertion({ key: h.keys.expired, header: { kid }, claims: { iss: APPS.renewed } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'key_not_found');
  });

  it('rules step 4: a certificate stops verifying the moment its validity ends (frozen clock moved past notAfter)', async () => {
    const app = await h.services.apps.get({ consumerKey: APPS.ec });
    const notAfter = app.certificates[0]!.notAfter.getTime();
    const assertion = () => h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec } });
    h.clock.set(new Date(notAfter - 1000));
    try {
      expectTokenResponse(await h.grant(assertion()));
      h.clock.set(new Date(notAfter));
      expectOAuthError(await h.grant(assertion()), 400, 'invalid_grant', 'invalid assertion');
      await expectLoginFailure(h, 'invalid_grant', 'no_valid_certificate');
    } finally {
      h.clock.set(T0);
    }
  });

  it('admin: an already expired certificate is refused on upload, with a clear message', async () => {
    await expect(h.services.apps.addCertificate({ consumerKey: APPS.ec }, h.keys.expired.certificatePem)).rejects.toMatchObject({
      code: 'certificate_rejected',
      message: expect.stringMatching(/expired/i),
    });
  });
});

describe('rules step 2: kid and x5t#S256 select among an app\'s certificates', () => {
  it('RFC 7515 §4.1.4: without kid, each valid certificate is tried', async () => {
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.dualA, claims: { iss: APPS.dual } })));
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.dualB, claims: { iss: APPS.dual } })));
  });

  it('RFC 7515 §4.1.4: kid as the certificate id selects it', async () => {
    const kid = await certificateId(APPS.dual, h.keys.dualB.fingerprint);
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.dualB, header: { kid }, claims: { iss: APPS.dual } })));
    const row = await h.lastLogin();
    expect(row.certificateFingerprint).toBe(h.keys.dualB.fingerprint);
  });

  it('RFC 7515 §4.1.4: kid as the SHA-256 fingerprint selects the certificate', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.dualA, header: { kid: h.keys.dualA.fingerprint }, claims: { iss: APPS.dual } }));
    expectTokenResponse(response);
  });

  it('RFC 7515 §4.1.4: kid naming one certificate, signature by the other: "invalid assertion"', async () => {
    const kid = await certificateId(APPS.dual, h.keys.dualA.fingerprint);
    const response = await h.grant(h.assertion({ key: h.keys.dualB, header: { kid }, claims: { iss: APPS.dual } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.dualB, claims: { iss: APPS.dual } } });
  });

  it('RFC 7515 §4.1.8: x5t#S256 selects the certificate by thumbprint', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.dualB, header: { 'x5t#S256': h.keys.dualB.thumbprint }, claims: { iss: APPS.dual } }));
    expectTokenResponse(response);
    expect((await h.lastLogin()).certificateFingerprint).toBe(h.keys.dualB.fingerprint);
  });

  it('RFC 7515 §4.1.8: x5t#S256 of one certificate with a signature by the other is refused', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.dualA, header: { 'x5t#S256': h.keys.dualB.thumbprint }, claims: { iss: APPS.dual } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.dualA, claims: { iss: APPS.dual } } });
  });

  it('RFC 7515 §4.1.8: an x5t#S256 of a certificate the app does not hold finds no key', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.dualA, header: { 'x5t#S256': h.keys.attacker.thumbprint }, claims: { iss: APPS.dual } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'key_not_found', { options: { key: h.keys.dualA, claims: { iss: APPS.dual } } });
  });

  it('RFC 7515 §4.1.4: a certificate of another app, named by its id, is not a key of this app', async () => {
    const kid = await certificateId(APPS.rsa, h.keys.rsa.fingerprint);
    const response = await h.grant(h.assertion({ key: h.keys.rsa, header: { kid }, claims: { iss: APPS.rotating } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'key_not_found', { options: { key: h.keys.rotOld, claims: { iss: APPS.rotating } } });
  });

  it('rules step 4: the login history records the fingerprint of the certificate that verified', async () => {
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec } })));
    expect((await h.lastLogin()).certificateFingerprint).toBe(h.keys.ec.fingerprint);
  });
});

describe('two certificates on one app: rotation', () => {
  it('rotation: old key works; add new, both work; remove old, old refused, new works', async () => {
    const signedBy = (key: typeof h.keys.rotOld, header: Record<string, unknown> = {}) => h.assertion({ key, header, claims: { iss: APPS.rotating } });

    // 1. Only the old certificate.
    expectTokenResponse(await h.grant(signedBy(h.keys.rotOld)));
    expectOAuthError(await h.grant(signedBy(h.keys.rotNew)), 400, 'invalid_grant', 'invalid assertion');
    await expectLoginFailure(h, 'invalid_grant', 'signature_invalid');

    // 2. The new certificate is added: both keys work, with or without kid.
    const added = await h.services.apps.addCertificate({ consumerKey: APPS.rotating }, h.keys.rotNew.certificatePem);
    const oldId = await certificateId(APPS.rotating, h.keys.rotOld.fingerprint);
    expectTokenResponse(await h.grant(signedBy(h.keys.rotOld)));
    expectTokenResponse(await h.grant(signedBy(h.keys.rotNew)));
    expectTokenResponse(await h.grant(signedBy(h.keys.rotOld, { kid: oldId })));
    expectTokenResponse(await h.grant(signedBy(h.keys.rotNew, { kid: added.id })));
    expect((await h.lastLogin()).certificateFingerprint).toBe(h.keys.rotNew.fingerprint);
    expectOAuthError(await h.grant(signedBy(h.keys.rotNew, { kid: oldId })), 400, 'invalid_grant', 'invalid assertion');

    // 3. The old certificate is removed: the old key is refused at once, the new one works.
    await h.services.apps.removeCertificate({ consumerKey: APPS.rotating }, oldId);
    const refused = await h.grant(signedBy(h.keys.rotOld));
    expectOAuthError(refused, 400, 'invalid_grant', 'invalid assertion');
    await expectLoginFailure(h, 'invalid_grant', 'signature_invalid');
    expectOAuthError(await h.grant(signedBy(h.keys.rotOld, { kid: oldId })), 400, 'invalid_grant', 'invalid assertion');
    await expectLoginFailure(h, 'invalid_grant', 'key_not_found');
    expectTokenResponse(await h.grant(signedBy(h.keys.rotNew)));
    expectTokenResponse(await h.grant(signedBy(h.keys.rotNew, { kid: added.id })));
  });

  it('rotation: the last valid certificate of an app with the flow on cannot be removed', async () => {
    const app = await h.services.apps.get({ consumerKey: APPS.rotating });
    await expect(h.services.apps.removeCertificate({ consumerKey: APPS.rotating }, app.certificates[0]!.id)).rejects.toMatchObject({ code: 'certificate_required' });
  });
});
