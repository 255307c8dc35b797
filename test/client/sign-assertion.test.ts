import { type KeyObject, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AssertionSigningError,
  type AssertionSigner,
  createClientAssertion,
  createJwtBearerClient,
  derToJoseSignature,
  signAssertion,
} from '../../src/client/index.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { ManualClock } from './token-endpoint-stub.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ed25519 = generateKeyPairSync('ed25519');
const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const clock = new ManualClock();
const base = { issuer: '3MVG9-consumer-key', subject: 'integration@example.com', audience: 'https://login.salesforce.com', clock };

async function verifyClaims(jwt: string, publicKey: KeyObject) {
  return jwtVerify(jwt, publicKey, { currentDate: clock.now() });
}

/** A signer callback built on node:crypto, the way a KMS would sign: over the raw signing input. */
function nodeSigner(alg: AssertionSigner['alg'], privateKey: KeyObject, dsaEncoding: 'der' | 'ieee-p1363'): AssertionSigner {
  const hash = `sha${alg.slice(2)}`;
  return {
    alg,
    sign: async (data) => new Uint8Array(sign(hash, data, { key: privateKey, dsaEncoding })),
  };
}

describe('signAssertion (RFC 7523 §3)', () => {
  it('RFC 7523 §3: signs iss, sub, aud, exp, iat and jti with RS256 from a PKCS#8 PEM, typ JWT', async () => {
    const jwt = await signAssertion({ ...base, key: rsaPem });
    const { payload, protectedHeader } = await verifyClaims(jwt, rsa.publicKey);
    const iat = Math.floor(clock.ms / 1000);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: base.issuer,
      sub: base.subject,
      aud: base.audience,
      iat,
      exp: iat + 180,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('accepts a PEM as bytes, and a KeyObject', async () => {
    const fromBuffer = await signAssertion({ ...base, key: Buffer.from(rsaPem) });
    await expect(verifyClaims(fromBuffer, rsa.publicKey)).resolves.toBeTruthy();
    const fromKeyObject = await signAssertion({ ...base, key: rsa.privateKey });
    await expect(verifyClaims(fromKeyObject, rsa.publicKey)).resolves.toBeTruthy();
  });

  it('RFC 7518 §3.1: picks the algorithm from the key type (ES256, ES384, EdDSA), honours an RSA alg override and kid', async () => {
    for (const [key, publicKey, alg] of [
      [p256.privateKey, p256.publicKey, 'ES256'],
      [p384.privateKey, p384.publicKey, 'ES384'],
      [ed25519.privateKey, ed25519.publicKey, 'EdDSA'],
    ] as const) {
      const jwt = await signAssertion({ ...base, key });
      expect(decodeProtectedHeader(jwt).alg).toBe(alg);
      await expect(verifyClaims(jwt, publicKey)).resolves.toBeTruthy();
    }
    const pss = await signAssertion({ ...base, key: rsa.privateKey, alg: 'PS256', kid: 'cert-2025' });
    expect(decodeProtectedHeader(pss)).toEqual({ alg: 'PS256', typ: 'JWT', kid: 'cert-2025' });
    await expect(verifyClaims(pss, rsa.publicKey)).resolves.toBeTruthy();
  });

  it('gives every assertion a new jti and honours lifetimeSeconds', async () => {
    const jwts = await Promise.all([1, 2, 3].map(() => signAssertion({ ...base, key: p256.privateKey, lifetimeSeconds: 60 })));
    const payloads = await Promise.all(jwts.map(async (jwt) => (await verifyClaims(jwt, p256.publicKey)).payload));
    expect(new Set(payloads.map((p) => p.jti)).size).toBe(3);
    for (const p of payloads) expect((p.exp ?? 0) - (p.iat ?? 0)).toBe(60);
  });

  it('refuses keys that must not sign: public keys, certificates-as-keys, short RSA, mismatched alg, garbage PEM', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(signAssertion({ ...base, key: rsa.publicKey })).rejects.toThrow(AssertionSigningError);
    await expect(signAssertion({ ...base, key: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' })).rejects.toThrow(
      /certificate/,
    );
    await expect(signAssertion({ ...base, key: weak.privateKey })).rejects.toThrow(/2048/);
    await expect(signAssertion({ ...base, key: p256.privateKey, alg: 'RS256' })).rejects.toThrow(AssertionSigningError);
    await expect(signAssertion({ ...base, key: 'not a key' })).rejects.toThrow(AssertionSigningError);
    await expect(signAssertion({ ...base, key: rsaPem, lifetimeSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('reads the private key out of a PEM bundle that also holds its certificate, in either order', async () => {
    const { privateKeyPem, certificatePem } = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 30 });
    const publicKey = createPublicKey(privateKeyPem);
    for (const bundle of [`${certificatePem}${privateKeyPem}`, `${privateKeyPem}${certificatePem}`]) {
      const { payload } = await verifyClaims(await signAssertion({ ...base, key: bundle }), publicKey);
      expect(payload.iss).toBe(base.issuer);
    }
  });

  it('refuses an RSA-PSS (id-RSASSA-PSS) key with the reason and the way out, when the client is created', () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const message =
      'RSA-PSS (id-RSASSA-PSS) keys are not supported: use a plain RSA key, which signs PS256 too (alg: "PS256"), ' +
      'and Keygate accepts only certificates of plain RSA keys';
    for (const key of [pss.privateKey, pss.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string]) {
      expect(() => createJwtBearerClient({ loginUrl: 'https://keygate.test', clientId: 'c', username: 'u', key })).toThrow(
        new AssertionSigningError(message),
      );
    }
  });
});

describe('signer callback (key kept in a KMS or HSM)', () => {
  it('RFC 7515 §5.1: an RS256 signer receives the signing input and yields a JWS jose verifies', async () => {
    const seen: Uint8Array[] = [];
    const signer = nodeSigner('RS256', rsa.privateKey, 'der');
    const jwt = await signAssertion({
      ...base,
      key: { alg: 'RS256', sign: async (data) => (seen.push(data), signer.sign(data)) },
    });
    expect(new TextDecoder().decode(seen[0])).toBe(jwt.split('.').slice(0, 2).join('.'));
    const { payload, protectedHeader } = await verifyClaims(jwt, rsa.publicKey);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload.sub).toBe(base.subject);
  });

  it('RFC 7518 §3.4: an ES256 signer returning raw r||s yields a JWS jose verifies', async () => {
    const jwt = await signAssertion({ ...base, key: nodeSigner('ES256', p256.privateKey, 'ieee-p1363') });
    await expect(verifyClaims(jwt, p256.publicKey)).resolves.toBeTruthy();
  });

  it('RFC 7518 §3.4: a KMS-style DER ECDSA signature converted with derToJoseSignature verifies (ES256, ES384, ES512)', async () => {
    for (const [alg, pair] of [
      ['ES256', p256],
      ['ES384', p384],
      ['ES512', p521],
    ] as const) {
      const der = nodeSigner(alg, pair.privateKey, 'der');
      const jwt = await signAssertion({
        ...base,
        key: { alg, sign: async (data) => derToJoseSignature(await der.sign(data), alg) },
      });
      expect(decodeProtectedHeader(jwt).alg).toBe(alg);
      await expect(verifyClaims(jwt, createPublicKey(pair.privateKey))).resolves.toBeTruthy();
    }
  });

  it('rejects a DER signature returned unconverted, naming derToJoseSignature', async () => {
    await expect(signAssertion({ ...base, key: nodeSigner('ES256', p256.privateKey, 'der') })).rejects.toThrow(
      /derToJoseSignature/,
    );
  });

  it('wraps a failing signer in AssertionSigningError with the cause', async () => {
    const cause = new Error('AccessDeniedException');
    const error = await signAssertion({ ...base, key: { alg: 'ES256', sign: () => Promise.reject(cause) } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssertionSigningError);
    expect((error as Error).cause).toBe(cause);
  });
});

describe('derToJoseSignature', () => {
  it('left-pads short integers and strips the sign byte', () => {
    // r = 0x01 (one byte), s = 0x00 0x80 followed by 31 bytes (positive 32-byte value with sign pad).
    const s = new Uint8Array(32).fill(0x11);
    s[0] = 0x80;
    const der = new Uint8Array([0x30, 3 + 2 + 33, 0x02, 0x01, 0x01, 0x02, 33, 0x00, ...s]);
    const raw = derToJoseSignature(der, 'ES256');
    expect(raw.length).toBe(64);
    expect(raw[31]).toBe(1);
    expect(raw.subarray(0, 31).every((b) => b === 0)).toBe(true);
    expect(Buffer.from(raw.subarray(32))).toEqual(Buffer.from(s));
  });

  it('throws on malformed input', () => {
    for (const bad of [
      new Uint8Array([]),
      new Uint8Array([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
      new Uint8Array([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
      new Uint8Array([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]),
      new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]),
      new Uint8Array([0x30, 0x25, 0x02, 0x21, 0x01, ...new Uint8Array(32), 0x02, 0x00]),
    ]) {
      expect(() => derToJoseSignature(bad, 'ES256')).toThrow(AssertionSigningError);
    }
  });
});

describe('createClientAssertion (RFC 7523 §2.2, private_key_jwt)', () => {
  it('RFC 7523 §3: iss and sub are the client id, aud the server, exp 60 s ahead, unique jti', async () => {
    const options = { clientId: 'client-123', audience: 'https://keygate.test', key: p256.privateKey, clock };
    const [a, b] = await Promise.all([createClientAssertion(options), createClientAssertion(options)]);
    const { payload, protectedHeader } = await verifyClaims(a, p256.publicKey);
    const iat = Math.floor(clock.ms / 1000);
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT' });
    expect(payload).toEqual({ iss: 'client-123', sub: 'client-123', aud: 'https://keygate.test', iat, exp: iat + 60, jti: expect.any(String) });
    expect((await verifyClaims(b, p256.publicKey)).payload.jti).not.toBe(payload.jti);
  });

  it('works with a signer callback too', async () => {
    const jwt = await createClientAssertion({
      clientId: 'client-123',
      audience: 'https://keygate.test/oauth2/token',
      key: nodeSigner('RS256', rsa.privateKey, 'der'),
    });
    await expect(compactVerify(jwt, rsa.publicKey)).resolves.toBeTruthy();
  });
});
