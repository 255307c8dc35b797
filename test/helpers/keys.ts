/**
 * Test keys and compact JWS building. Keys and certificates are generated here, never pasted
 * (STYLE.md rule 11). The builder signs by hand with node:crypto so that tests can also make
 * the malformed and hostile assertions a JOSE library would refuse to produce.
 */
import 'reflect-metadata';
import { X509Certificate, constants, createHash, createHmac, createPrivateKey, sign as cryptoSign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { generateKeyPairWithCertificate, type KeygenAlgorithm } from '../../src/platform/keygen.js';

export interface TestKey {
  /** The JWS algorithm this key signs with by default. */
  readonly alg: 'RS256' | 'ES256' | 'ES384' | 'EdDSA';
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  readonly publicKey: KeyObject;
  /** Lower-case hex SHA-256 of the DER certificate, as Keygate records it. */
  readonly fingerprint: string;
  /** `x5t#S256` (RFC 7515 §4.1.8): base64url SHA-256 of the DER certificate. */
  readonly thumbprint: string;
}

/** Makes a key pair and a self-signed certificate valid from `notBefore` for `days` days. */
export async function makeTestKey(alg: KeygenAlgorithm, subject: string, notBefore: Date, days = 365): Promise<TestKey> {
  const generated = await generateKeyPairWithCertificate({ alg, subject, days, notBefore });
  const x509 = new X509Certificate(generated.certificatePem);
  return {
    alg: alg === 'ES256' ? 'ES256' : 'RS256',
    privateKey: generated.privateKey,
    privateKeyPem: generated.privateKeyPem,
    certificatePem: generated.certificatePem,
    publicKey: x509.publicKey,
    fingerprint: createHash('sha256').update(x509.raw).digest('hex'),
    thumbprint: createHash('sha256').update(x509.raw).digest('base64url'),
  };
}

/**
 * Key types `keygate keygen` does not make but the rules accept (EC P-384: ES384; Ed25519:
 * EdDSA), with a self-signed certificate made by the same X.509 library.
 */
export async function makeOtherTestKey(kind: 'P-384' | 'Ed25519', subject: string, notBefore: Date, days = 365): Promise<TestKey> {
  // keygen.ts has already registered node's webcrypto as @peculiar/x509's provider.
  const algorithm = kind === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-384' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0'.concat(Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex')).replace(/^0[89a-f]/, '01'),
    name: `CN=${subject}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    signingAlgorithm: kind === 'Ed25519' ? algorithm : { name: 'ECDSA', hash: 'SHA-384' },
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const certificatePem = `${cert.toString('pem')}\n`;
  const parsed = new X509Certificate(certificatePem);
  return {
    alg: kind === 'Ed25519' ? 'EdDSA' : 'ES384',
    privateKey: createPrivateKey(privateKeyPem),
    privateKeyPem,
    certificatePem,
    publicKey: parsed.publicKey,
    fingerprint: createHash('sha256').update(parsed.raw).digest('hex'),
    thumbprint: createHash('sha256').update(parsed.raw).digest('base64url'),
  };
}

export function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

const DIGESTS: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * Signs `input` as the named JWS algorithm would. `HS*` takes any bytes as the HMAC secret,
 * which is how the algorithm-confusion attack uses a public key.
 */
export function signInput(alg: string, input: string, key: KeyObject | Buffer | string): string {
  const data = Buffer.from(input, 'ascii');
  const bits = alg.slice(2);
  const digest = DIGESTS[bits] ?? 'sha256';
  if (/^HS/i.test(alg)) return createHmac(digest, key as Buffer | string).update(data).digest('base64url');
  const keyObject = key as KeyObject;
  if (alg === 'EdDSA') return cryptoSign(null, data, keyObject).toString('base64url');
  if (alg.startsWith('PS')) {
    return cryptoSign(digest, data, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 }).toString('base64url');
  }
  if (alg.startsWith('ES')) return cryptoSign(digest, data, { key: keyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return cryptoSign(digest, data, keyObject).toString('base64url');
}

export interface CompactJwsParts {
  /** Header members; merged over `{ alg }`. A member set to `undefined` is left out. */
  readonly header: Record<string, unknown>;
  /** The payload object, or exact JSON text (e.g. with duplicate member names). */
  readonly payload: Record<string, unknown> | string;
  /** Exact header JSON text, overriding `header`. */
  readonly rawHeader?: string;
  readonly alg: string;
  /** The signing key (or HMAC secret); ignored when `signature` is given. */
  readonly key?: KeyObject | Buffer | string;
  /** A fixed base64url signature segment instead of a real one. */
  readonly signature?: string;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Builds `b64(header).b64(payload).signature`. */
export function compactJws(parts: CompactJwsParts): string {
  const headerText = parts.rawHeader ?? JSON.stringify(dropUndefined({ alg: parts.alg, ...parts.header }));
  const payloadText = typeof parts.payload === 'string' ? parts.payload : JSON.stringify(dropUndefined(parts.payload));
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  const signature = parts.signature ?? (parts.key === undefined ? '' : signInput(parts.alg, input, parts.key));
  return `${input}.${signature}`;
}
