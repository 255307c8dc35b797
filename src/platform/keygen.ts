import 'reflect-metadata';
import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Key types `keygate keygen` can make: RSA 2048 (RS256), RSA 3072 (RS3072) or EC P-256. */
export type KeygenAlgorithm = 'RS256' | 'RS3072' | 'ES256';

export interface GeneratedKeyPair {
  /** PKCS#8 PEM private key. */
  readonly privateKeyPem: string;
  /** Self-signed X.509 certificate, PEM. */
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
}

function algorithmFor(alg: KeygenAlgorithm): RsaHashedKeyGenParams | EcKeyGenParams {
  if (alg === 'ES256') return { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams;
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: alg === 'RS3072' ? 3072 : 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  };
}

/**
 * Makes a key pair and a self-signed certificate for it, valid from `notBefore` (default now,
 * less a minute for clock differences) for `days` days.
 */
export async function generateKeyPairWithCertificate(options: {
  alg: KeygenAlgorithm;
  subject: string;
  days: number;
  notBefore?: Date;
}): Promise<GeneratedKeyPair> {
  const algorithm = algorithmFor(options.alg);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + options.days * 86_400_000);
  const signingAlgorithm = options.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : algorithm;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${escapeDnValue(options.subject)}`,
    notBefore,
    notAfter,
    signingAlgorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { privateKeyPem, certificatePem: `${cert.toString('pem')}\n`, privateKey: createPrivateKey(privateKeyPem) };
}

/** Escapes the characters RFC 4514 reserves in an attribute value. */
function escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}
