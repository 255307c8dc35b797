import { sql, type Kysely } from 'kysely';
import type { SigningKeyStore, StoredSigningKey } from '../../oauth/ports.js';
import type { WriteLock } from './sql-admin-store.js';
import type { Database } from './tables.js';

/** Server signing keys in the database, so that every instance signs with and publishes the same keys. */
export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly writeLock?: WriteLock,
  ) {}

  async listSigningKeys(): Promise<StoredSigningKey[]> {
    return listKeys(this.db);
  }

  /**
   * Instances (or workers) starting together each propose a key; exactly one must win, or each
   * would sign with a key the others do not publish. The insert therefore happens only if the
   * table is still empty, in one statement (SQLite takes its write lock before reading), inside
   * the backend's write lock when it has one (PostgreSQL's READ COMMITTED needs it).
   */
  async ensureSigningKey(candidate: StoredSigningKey): Promise<StoredSigningKey[]> {
    const existing = await this.listSigningKeys();
    if (existing.length > 0) return existing;
    const lock = this.writeLock;
    if (!lock) {
      await insertIfEmpty(this.db, candidate);
      return this.listSigningKeys();
    }
    return this.db.transaction().execute(async (trx) => {
      await lock(trx);
      await insertIfEmpty(trx, candidate);
      return listKeys(trx);
    });
  }
}

async function insertIfEmpty(db: Kysely<Database>, candidate: StoredSigningKey): Promise<void> {
  await sql`insert into signing_keys (kid, alg, private_key_pem, created_at)
    select ${candidate.kid}, ${candidate.alg}, ${candidate.privateKeyPem}, ${candidate.createdAt}
    where not exists (select 1 from signing_keys)`.execute(db);
}

async function listKeys(db: Kysely<Database>): Promise<StoredSigningKey[]> {
  const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map((row) => ({ kid: row.kid, alg: 'ES256', privateKeyPem: row.private_key_pem, createdAt: Number(row.created_at) }));
}
