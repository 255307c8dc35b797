/**
 * The server's token-signing keys (ES256). Generated on first start and kept in the store,
 * so that every instance signs with, and publishes, the same keys.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { sha256Hex } from '../../platform/secrets.js';
import type { SigningKeyStore } from '../ports.js';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface SigningKeys {
  /** The key new tokens are signed with. */
  readonly current: SigningKey;
  /** Every key whose tokens still verify, by `kid`. */
  readonly byKid: ReadonlyMap<string, SigningKey>;
  /** The public JWK Set (RFC 7517 §5). */
  readonly jwks: { keys: JWK[] };
}

export async function loadSigningKeys(store: SigningKeyStore, now: Date): Promise<SigningKeys> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const stored = await store.ensureSigningKey({
    kid: sha256Hex(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).slice(0, 16),
    alg: 'ES256',
    privateKeyPem: pem,
    createdAt: now.getTime(),
  });
  const keys = stored
    .sort((a, b) => b.createdAt - a.createdAt || a.kid.localeCompare(b.kid))
    .map((k): SigningKey => {
      const priv = createPrivateKey(k.privateKeyPem);
      return { kid: k.kid, alg: k.alg, privateKey: priv, publicKey: createPublicKey(priv) };
    });
  const jwks = {
    keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: k.alg, use: 'sig' }))),
  };
  return { current: keys[0]!, byKid: new Map(keys.map((k) => [k.kid, k])), jwks };
}
