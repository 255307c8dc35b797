/**
 * What the admin services need from storage. The admin REST API, the console and the CLI
 * all go through the services in this folder; none of them touches a store directly.
 */
import type { ExternalClientApp } from '../domain/app.js';
import type { Certificate } from '../domain/certificate.js';
import type { LoginEvent, LoginHistoryFilter } from '../domain/login-event.js';
import type { Org } from '../domain/org.js';
import type { User } from '../domain/user.js';

/** An app's row without its certificates, which are written separately. */
export type AppRow = Omit<ExternalClientApp, 'certificates'>;

export interface AdminStore {
  getOrg(): Promise<Org | undefined>;
  saveOrg(org: Org): Promise<void>;

  listUsers(): Promise<User[]>;
  findUser(by: { id: string } | { username: string }): Promise<User | undefined>;
  insertUser(user: User): Promise<void>;
  updateUser(user: User): Promise<void>;
  deleteUser(id: string): Promise<void>;

  listApps(): Promise<ExternalClientApp[]>;
  findApp(by: { id: string } | { name: string } | { consumerKey: string }): Promise<ExternalClientApp | undefined>;
  insertApp(app: AppRow): Promise<void>;
  updateApp(app: AppRow): Promise<void>;
  deleteApp(id: string): Promise<void>;
  addCertificate(appId: string, certificate: Certificate): Promise<void>;
  removeCertificate(appId: string, certificateId: string): Promise<void>;

  /** Runs `work` atomically; the store passed in writes inside the transaction. */
  transaction<T>(work: (store: AdminStore) => Promise<T>): Promise<T>;
}

/** Reading the login history, newest first. */
export interface LoginHistoryReader {
  queryLoginHistory(filter: LoginHistoryFilter): Promise<{ events: LoginEvent[]; total: number }>;
}

/** Told after every committed change, so that caches (here and on other instances) reload. */
export interface ChangeNotifier {
  changed(): Promise<void>;
}
