import type { Kysely } from 'kysely';
import type { SigningKeyStore, StoredSigningKey } from '../../oauth/ports.js';
import type { Database } from './tables.js';

/** Server signing keys in the database, so that every instance signs with and publishes the same keys. */
export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listSigningKeys(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map((row) => ({ kid: row.kid, alg: 'ES256', privateKeyPem: row.private_key_pem, createdAt: Number(row.created_at) }));
  }

  async ensureSigningKey(candidate: StoredSigningKey): Promise<StoredSigningKey[]> {
    const existing = await this.listSigningKeys();
    if (existing.length > 0) return existing;
    await this.db
      .insertInto('signing_keys')
      .values({ kid: candidate.kid, alg: candidate.alg, private_key_pem: candidate.privateKeyPem, created_at: candidate.createdAt })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return this.listSigningKeys();
  }
}
