/**
 * RFC 8725 (JWT Best Current Practices) §2.1, §3.1, §3.11 and RFC 7515 §4.1 as the rules'
 * step 2 applies them to a grant assertion: algorithm allow-list per key (never `none`, never
 * HMAC), keys are never taken from the token (`jku`, `x5u`, `jwk`, `x5c`), `crit`, JWE and
 * compressed payloads refused, and explicit typing.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFreshAssertionStillWorks, expectGrantRefused, expectTokenResponse } from '../helpers/expect-oauth.js';
import { APPS, BASE_URL, USERS, startHarness, type Harness } from '../helpers/keygate-harness.js';
import { compactJws } from '../helpers/keys.js';

let h: Harness;
let keyServer: Server;
let keyServerUrl: string;
let keyServerRequests = 0;

beforeAll(async () => {
  h = await startHarness();
  // A key server an attacker controls: it would serve the attacker's key if anyone asked.
  keyServer = createServer((_req, res) => {
    keyServerRequests += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [{ ...h.keys.attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'ES256' }] }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => keyServer?.close(() => resolve()));
  await h?.close();
});

describe('RFC 8725 §3.1: alg allow-list', () => {
  for (const alg of ['none', 'NONE', 'nOnE', 'None']) {
    it(`RFC 8725 §3.1: rejects alg "${alg}" (with a signature segment)`, async () => {
      const response = await h.grant(h.assertion({ alg, signature: 'c2ln' }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_none');
    });
  }

  for (const alg of ['none', 'NONE', 'nOnE']) {
    it(`RFC 7519 §6.1: rejects an unsecured JWT with alg "${alg}" and an empty signature`, async () => {
      const response = await h.grant(h.assertion({ alg, signature: '' }));
      await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion');
    });
  }

  it('RFC 8725 §2.1: rejects HS256 keyed with the certificate PEM (algorithm confusion)', async () => {
    const assertion = compactJws({ alg: 'HS256', header: { typ: 'JWT' }, payload: h.claims(), key: Buffer.from(h.keys.rsa.certificatePem) });
    await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'alg_hmac');
  });

  for (const form of ['spki-pem', 'spki-der', 'pkcs1-pem'] as const) {
    it(`RFC 8725 §2.1: rejects HS256 keyed with the certificate's public key bytes (${form})`, async () => {
      const pub = h.keys.rsa.publicKey;
      const secret =
        form === 'spki-pem'
          ? Buffer.from(pub.export({ type: 'spki', format: 'pem' }) as string)
          : form === 'spki-der'
            ? (pub.export({ type: 'spki', format: 'der' }) as Buffer)
            : Buffer.from(pub.export({ type: 'pkcs1', format: 'pem' }) as string);
      const assertion = compactJws({ alg: 'HS256', header: { typ: 'JWT' }, payload: h.claims(), key: secret });
      await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'alg_hmac');
    });
  }

  for (const alg of ['HS384', 'HS512', 'hs256']) {
    it(`RFC 8725 §2.1: rejects ${alg} keyed with the public key`, async () => {
      const secret = h.keys.ec.publicKey.export({ type: 'spki', format: 'der' }) as Buffer;
      const assertion = compactJws({ alg, header: { typ: 'JWT' }, payload: h.claims({ iss: APPS.ec }), key: secret });
      await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'alg_hmac');
    });
  }

  it('RFC 8725 §3.2: rejects an ES256 signature of all zero bytes (r = s = 0)', async () => {
    const zero = Buffer.alloc(64).toString('base64url');
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec }, signature: zero }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ec, claims: { iss: APPS.ec } } });
  });

  it('RFC 7518 §3.4: rejects an ES256 signature of the wrong length (DER instead of r||s)', async () => {
    const assertion = h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec } });
    const [head, body] = assertion.split('.');
    const der = Buffer.concat([Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])]).toString('base64url');
    const response = await h.grant(`${head}.${body}.${der}`);
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid');
  });

  it('rules step 2: rejects RS256 on an EC P-256 certificate', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.rsa, claims: { iss: APPS.ec } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_not_allowed_for_key');
  });

  it('rules step 2: rejects ES384 on an EC P-256 certificate', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, alg: 'ES384', claims: { iss: APPS.ec } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_not_allowed_for_key');
  });

  it('rules step 2: rejects an alg name in the wrong case ("rs256")', async () => {
    const response = await h.grant(h.assertion({ alg: 'rs256', signature: 'c2ln' }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_unsupported');
  });

  it('rules step 2: rejects a header without alg, or with a non-string alg', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { alg: undefined } })), 'invalid_grant', 'invalid assertion', 'alg_missing');
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { alg: ['RS256'] } })), 'invalid_grant', 'invalid assertion', 'alg_missing');
  });

  for (const alg of ['RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
    it(`rules step 2: accepts ${alg} for an RSA 2048 certificate`, async () => {
      expectTokenResponse(await h.grant(h.assertion({ alg })));
    });
  }

  it('rules step 2: accepts ES384 for an EC P-384 certificate', async () => {
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.p384, claims: { iss: APPS.modern } })));
    expect((await h.lastLogin()).certificateFingerprint).toBe(h.keys.p384.fingerprint);
  });

  it('rules step 2: accepts EdDSA for an Ed25519 certificate', async () => {
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ed25519, claims: { iss: APPS.modern } })));
    expect((await h.lastLogin()).certificateFingerprint).toBe(h.keys.ed25519.fingerprint);
  });

  it('rules step 2: rejects ES256 on an app holding only P-384 and Ed25519 certificates', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.modern } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_not_allowed_for_key', { options: { key: h.keys.p384, claims: { iss: APPS.modern } } });
  });

  it('rules step 2: rejects EdDSA on an RSA certificate', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.ed25519 }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'alg_not_allowed_for_key');
  });

  it('rules step 2: an EdDSA header over an ES384 signature verifies with no key', async () => {
    const response = await h.grant(h.assertion({ key: h.keys.p384, alg: 'ES384', header: { alg: 'EdDSA' }, claims: { iss: APPS.modern } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ed25519, claims: { iss: APPS.modern } } });
  });

  it('RFC 7523 §2.1: accepts an assertion signed with jose SignJWT (interop)', async () => {
    const key = await importPKCS8(h.keys.ec.privateKeyPem, 'ES256');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(APPS.ec)
      .setSubject(USERS.integration)
      .setAudience(BASE_URL)
      .setIssuedAt(h.now())
      .setExpirationTime(h.now() + 120)
      .setJti(`jose-${h.now()}`)
      .sign(key);
    expectTokenResponse(await h.grant(assertion));
  });
});

describe('RFC 8725 §3.10 / rules step 2: keys named by the token are ignored and never fetched', () => {
  const attackerSigned = (header: Record<string, unknown>) =>
    h.assertion({ key: h.keys.attacker, claims: { iss: APPS.ec }, header });

  it('RFC 7515 §4.1.2: a jku header is never fetched, and its key never trusted', async () => {
    const response = await h.grant(attackerSigned({ jku: `${keyServerUrl}/jwks.json`, kid: 'attacker' }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', undefined, { options: { key: h.keys.ec, claims: { iss: APPS.ec } } });
    expect(keyServerRequests).toBe(0);
  });

  it('RFC 7515 §4.1.5: an x5u header is never fetched, and its certificate never trusted', async () => {
    const response = await h.grant(attackerSigned({ x5u: `${keyServerUrl}/cert.pem` }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ec, claims: { iss: APPS.ec } } });
    expect(keyServerRequests).toBe(0);
  });

  it('RFC 7515 §4.1.3: an embedded jwk is never trusted', async () => {
    const jwk = h.keys.attacker.publicKey.export({ format: 'jwk' });
    const response = await h.grant(attackerSigned({ jwk }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ec, claims: { iss: APPS.ec } } });
  });

  it('RFC 7515 §4.1.6: an embedded x5c chain is never trusted', async () => {
    const der = new X509Certificate(h.keys.attacker.certificatePem).raw.toString('base64');
    const response = await h.grant(attackerSigned({ x5c: [der] }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'signature_invalid', { options: { key: h.keys.ec, claims: { iss: APPS.ec } } });
  });

  it('RFC 8725 §3.10: with jku, x5u, jwk and x5c present, a valid signature by the registered key still works, and nothing is fetched', async () => {
    const header = {
      jku: `${keyServerUrl}/jwks.json`,
      x5u: `${keyServerUrl}/cert.pem`,
      jwk: h.keys.attacker.publicKey.export({ format: 'jwk' }),
      x5c: [new X509Certificate(h.keys.attacker.certificatePem).raw.toString('base64')],
    };
    expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec }, header })));
    expect(keyServerRequests).toBe(0);
  });
});

describe('RFC 7515 §4.1.11, RFC 7516, RFC 8725 §3.11: crit, JWE headers and explicit typing', () => {
  it('RFC 7515 §4.1.11: rejects a crit header', async () => {
    const response = await h.grant(h.assertion({ header: { crit: ['exp'], exp: h.now() + 60 } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'crit_present');
  });

  it('RFC 7515 §4.1.11: rejects an empty crit list too', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { crit: [] } })), 'invalid_grant', 'invalid assertion', 'crit_present');
  });

  it('RFC 7516 §4.1.2: rejects a header carrying enc (a JWE is not a signed assertion)', async () => {
    const response = await h.grant(h.assertion({ header: { enc: 'A256GCM' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'header_enc');
  });

  it('RFC 7516 §4.1.3: rejects a header carrying zip (a compressed payload)', async () => {
    const response = await h.grant(h.assertion({ header: { zip: 'DEF' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'header_zip');
  });

  it('RFC 8725 §3.11: rejects typ at+jwt (an access token is never a grant assertion)', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { typ: 'at+jwt' } })), 'invalid_grant', 'invalid assertion', 'typ_mismatch');
  });

  it('RFC 8725 §3.11: rejects typ application/at+jwt', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { typ: 'application/at+jwt' } })), 'invalid_grant', 'invalid assertion', 'typ_mismatch');
  });

  it('RFC 8725 §3.11: rejects typ client-authentication+jwt (a client assertion is never a grant assertion)', async () => {
    const response = await h.grant(h.assertion({ header: { typ: 'client-authentication+jwt' } }));
    await expectGrantRefused(h, response, 'invalid_grant', 'invalid assertion', 'typ_mismatch');
  });

  it('RFC 7515 §4.1.9: rejects a non-string typ', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { typ: ['JWT'] } })), 'invalid_grant', 'invalid assertion', 'typ_not_string');
  });

  it('RFC 7515 §4.1.4: rejects a kid that is not a string', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { kid: { a: 1 } } })), 'invalid_grant', 'invalid assertion', 'kid_not_string');
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { kid: 12 } })), 'invalid_grant', 'invalid assertion', 'kid_not_string');
  });

  it('RFC 7515 §4.1.8: rejects an x5t#S256 that is not a string', async () => {
    await expectGrantRefused(h, await h.grant(h.assertion({ header: { 'x5t#S256': [1, 2] } })), 'invalid_grant', 'invalid assertion', 'x5t_not_string');
  });

  for (const typ of ['JWT', 'application/jwt', 'jwt', undefined]) {
    it(`RFC 7519 §5.1: accepts typ ${typ === undefined ? 'absent' : `"${typ}"`}`, async () => {
      expectTokenResponse(await h.grant(h.assertion({ header: { typ } })));
    });
  }

  it('rules step 2: other unknown header members are ignored', async () => {
    expectTokenResponse(await h.grant(h.assertion({ header: { 'x-vendor': { nested: true } } })));
    await expectFreshAssertionStillWorks(h);
  });
});
