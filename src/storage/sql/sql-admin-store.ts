/** The admin store over Kysely: the same queries on SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import type { ExternalClientApp } from '../../domain/app.js';
import type { Certificate } from '../../domain/certificate.js';
import type { LoginHistoryFilter, LoginEvent } from '../../domain/login-event.js';
import type { Org } from '../../domain/org.js';
import { usernameKey, type User } from '../../domain/user.js';
import type { AdminStore, AppRow, LoginHistoryReader } from '../../admin/ports.js';
import type { DirectoryContents, DirectorySource } from '../../oauth/ports.js';
import {
  appFromRow,
  appToRow,
  certificateFromRow,
  certificateToRow,
  loginEventFromRow,
  orgFromRow,
  orgToRow,
  userFromRow,
  userToRow,
} from './mappers.js';
import type { Database } from './tables.js';

/**
 * Taken first inside every admin transaction, when the backend needs it to serialize
 * check-then-write sequences across instances (PostgreSQL: an advisory transaction lock).
 */
export type WriteLock = (trx: Kysely<Database>) => Promise<void>;

export class SqlAdminStore implements AdminStore, DirectorySource, LoginHistoryReader {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction = false,
    private readonly writeLock?: WriteLock,
  ) {}

  async getOrg(): Promise<Org | undefined> {
    const row = await this.db.selectFrom('org').selectAll().executeTakeFirst();
    return row ? orgFromRow(row) : undefined;
  }

  async saveOrg(org: Org): Promise<void> {
    const row = orgToRow(org);
    await this.db
      .insertInto('org')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userFromRow);
  }

  /** By id; or by username, exactly, else ignoring letter case (see usernameKey). */
  async findUser(by: { id: string } | { username: string }): Promise<User | undefined> {
    const query = this.db.selectFrom('users').selectAll();
    if ('id' in by) {
      const row = await query.where('id', '=', by.id).executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    }
    const row =
      (await query.where('username', '=', by.username).executeTakeFirst()) ?? (await query.where('username_key', '=', usernameKey(by.username)).executeTakeFirst());
    return row ? userFromRow(row) : undefined;
  }

  async insertUser(user: User): Promise<void> {
    await this.db.insertInto('users').values(userToRow(user)).execute();
  }

  async updateUser(user: User): Promise<void> {
    // The username never changes, and the key of a user who clashed before migration 0008 must stay as it is.
    const { username_key: _key, ...row } = userToRow(user);
    await this.db.updateTable('users').set(row).where('id', '=', user.id).execute();
  }

  async deleteUser(id: string): Promise<void> {
    const gone = await this.db.deleteFrom('users').where('id', '=', id).returning('username').executeTakeFirst();
    if (!gone) return;
    // A user left alone with a username that clashed in case before migration 0008 gets the plain key back.
    const key = usernameKey(gone.username);
    const sharing = (await this.db.selectFrom('users').select(['id', 'username', 'username_key']).execute()).filter((u) => usernameKey(u.username) === key);
    if (sharing.length === 1 && sharing[0]!.username_key !== key) {
      await this.db.updateTable('users').set({ username_key: key }).where('id', '=', sharing[0]!.id).execute();
    }
  }

  async listApps(): Promise<ExternalClientApp[]> {
    const [rows, certs] = await Promise.all([
      this.db.selectFrom('apps').selectAll().orderBy('name').execute(),
      this.db.selectFrom('certificates').selectAll().orderBy('added_at').execute(),
    ]);
    const byApp = new Map<string, Certificate[]>();
    for (const row of certs) {
      const list = byApp.get(row.app_id) ?? [];
      list.push(certificateFromRow(row));
      byApp.set(row.app_id, list);
    }
    return rows.map((row) => appFromRow(row, byApp.get(row.id) ?? []));
  }

  async findApp(by: { id: string } | { name: string } | { consumerKey: string }): Promise<ExternalClientApp | undefined> {
    let query = this.db.selectFrom('apps').selectAll();
    if ('id' in by) query = query.where('id', '=', by.id);
    else if ('name' in by) query = query.where('name', '=', by.name);
    else query = query.where('consumer_key', '=', by.consumerKey);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    const certs = await this.db.selectFrom('certificates').selectAll().where('app_id', '=', row.id).orderBy('added_at').execute();
    return appFromRow(row, certs.map(certificateFromRow));
  }

  async insertApp(app: AppRow): Promise<void> {
    await this.db.insertInto('apps').values(appToRow(app)).execute();
  }

  async updateApp(app: AppRow): Promise<void> {
    await this.db.updateTable('apps').set(appToRow(app)).where('id', '=', app.id).execute();
  }

  async deleteApp(id: string): Promise<void> {
    await this.db.deleteFrom('certificates').where('app_id', '=', id).execute();
    await this.db.deleteFrom('apps').where('id', '=', id).execute();
  }

  async addCertificate(appId: string, certificate: Certificate): Promise<void> {
    await this.db.insertInto('certificates').values(certificateToRow(appId, certificate)).execute();
  }

  async removeCertificate(appId: string, certificateId: string): Promise<void> {
    await this.db.deleteFrom('certificates').where('app_id', '=', appId).where('id', '=', certificateId).execute();
  }

  async transaction<T>(work: (store: AdminStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return this.db.transaction().execute(async (trx) => {
      await this.writeLock?.(trx);
      return work(new SqlAdminStore(trx, true));
    });
  }

  async loadDirectory(): Promise<DirectoryContents> {
    const [org, apps, users] = await Promise.all([this.getOrg(), this.listApps(), this.listUsers()]);
    if (!org) throw new Error('the org is not configured yet: run `keygate init` or start with --config');
    return { org, apps, users };
  }

  async queryLoginHistory(filter: LoginHistoryFilter): Promise<{ events: LoginEvent[]; total: number }> {
    let query = this.db.selectFrom('login_history');
    if (filter.appId) query = query.where('app_id', '=', filter.appId);
    if (filter.appName) query = query.where('app_name', '=', filter.appName);
    if (filter.username) query = query.where('username', '=', filter.username);
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
    if (filter.grant) query = query.where('grant_type', '=', filter.grant);
    if (filter.since) query = query.where('at', '>=', filter.since.getTime());
    if (filter.until) query = query.where('at', '<', filter.until.getTime());
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('seq', 'desc')
        .limit(filter.limit ?? 100)
        .offset(filter.offset ?? 0)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { events: rows.map(loginEventFromRow), total: Number(count.n) };
  }
}
