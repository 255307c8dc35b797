/**
 * The admin console's own rows (sign-in counters and sessions) over Kysely, on every SQL
 * backend. Its tables come from migration 0002-console.
 */
import type { Kysely } from 'kysely';
import type { SignInState, SignInStateStore } from '../../admin/console-auth.js';
import type { ConsoleSession, ConsoleSessionStore, SessionStage } from '../../http/console/sessions.js';
import type { Database } from './tables.js';

type ConsoleSignInStateTable = {
  user_id: string;
  failed_attempts: number;
  locked_until: number | null;
  last_totp_step: number | null;
};

type ConsoleSessionTable = {
  id_hash: string;
  user_id: string;
  stage: string;
  created_at: number;
  last_seen_at: number;
};

// Type aliases, not interfaces: `withTables` needs their implicit index signatures.
type ConsoleTables = {
  console_sign_in_state: ConsoleSignInStateTable;
  console_sessions: ConsoleSessionTable;
};

function stateFromRow(row: ConsoleSignInStateTable): SignInState {
  return {
    failedAttempts: Number(row.failed_attempts),
    lockedUntil: row.locked_until === null ? null : new Date(Number(row.locked_until)),
    lastTotpStep: row.last_totp_step === null ? null : Number(row.last_totp_step),
  };
}

export class SqlConsoleStore implements SignInStateStore, ConsoleSessionStore {
  readonly #db: Kysely<Database & ConsoleTables>;

  constructor(db: Kysely<Database>) {
    this.#db = db.withTables<ConsoleTables>();
  }

  async getSignInState(userId: string): Promise<SignInState | undefined> {
    const row = await this.#db.selectFrom('console_sign_in_state').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? stateFromRow(row) : undefined;
  }

  recordSignInFailure(userId: string, maxFailures: number, lockUntil: Date): Promise<SignInState> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('console_sign_in_state')
        .values({ user_id: userId, failed_attempts: 1, locked_until: null, last_totp_step: null })
        .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ failed_attempts: eb('console_sign_in_state.failed_attempts', '+', 1) })))
        .execute();
      const row = await trx.selectFrom('console_sign_in_state').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
      if (Number(row.failed_attempts) < maxFailures) return stateFromRow(row);
      const locked = { ...row, failed_attempts: 0, locked_until: lockUntil.getTime() };
      await trx
        .updateTable('console_sign_in_state')
        .set({ failed_attempts: 0, locked_until: locked.locked_until })
        .where('user_id', '=', userId)
        .execute();
      return stateFromRow(locked);
    });
  }

  async recordSignInSuccess(userId: string, totpStep: number | null): Promise<void> {
    const values = { failed_attempts: 0, locked_until: null, ...(totpStep !== null && { last_totp_step: totpStep }) };
    await this.#db
      .insertInto('console_sign_in_state')
      .values({ user_id: userId, last_totp_step: null, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  async insertConsoleSession(session: ConsoleSession): Promise<void> {
    await this.#db
      .insertInto('console_sessions')
      .values({
        id_hash: session.idHash,
        user_id: session.userId,
        stage: session.stage,
        created_at: session.createdAt.getTime(),
        last_seen_at: session.lastSeenAt.getTime(),
      })
      .execute();
  }

  async findConsoleSession(idHash: string): Promise<ConsoleSession | undefined> {
    const row = await this.#db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return undefined;
    return {
      idHash: row.id_hash,
      userId: row.user_id,
      stage: row.stage as SessionStage,
      createdAt: new Date(Number(row.created_at)),
      lastSeenAt: new Date(Number(row.last_seen_at)),
    };
  }

  async touchConsoleSession(idHash: string, at: Date): Promise<void> {
    await this.#db.updateTable('console_sessions').set({ last_seen_at: at.getTime() }).where('id_hash', '=', idHash).execute();
  }

  async deleteConsoleSession(idHash: string): Promise<void> {
    await this.#db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteStaleConsoleSessions(idleBefore: Date, createdBefore: Date): Promise<void> {
    await this.#db
      .deleteFrom('console_sessions')
      .where((eb) => eb.or([eb('last_seen_at', '<', idleBefore.getTime()), eb('created_at', '<', createdBefore.getTime())]))
      .execute();
  }
}
