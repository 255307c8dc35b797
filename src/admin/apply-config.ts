/**
 * Applies a declarative configuration file through the same services as every other write:
 * creates and updates what the file declares, leaves the rest alone unless `prune` is set.
 * Applying the same file twice changes nothing the second time.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DeclaredApp, DeclaredConfig, DeclaredUser } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { ADMIN_SCOPE, type ExternalClientApp } from '../domain/app.js';
import { defaultSessionTimeoutMinutes } from '../domain/org.js';
import { usernameKey } from '../domain/user.js';
import { verifySecret } from '../platform/secrets.js';
import { AdminError } from './admin-errors.js';
import type { AdminServices } from './admin-services.js';

export interface ApplyResult {
  readonly created: string[];
  readonly updated: string[];
  readonly removed: string[];
  /** Certificates and consumer secrets of declared apps that the file does not list, kept because `--prune` was not given. */
  readonly undeclared: string[];
  /** Undeclared apps and users that `--prune` kept because they are ways into the admin API. */
  readonly kept: string[];
}

type ApplyDeps = Pick<AdminServices, 'orgs' | 'users' | 'apps'>;

/** Service fields that the file spells otherwise: a password comes from the variable `passwordEnv` names. */
const FILE_KEYS: Readonly<Record<string, string>> = { password: 'passwordEnv' };

/**
 * Runs `work`, re-throwing an admin refusal as a configuration error at `path` and the file's
 * key. The service's detail begins with its own field name, which the path already gives.
 */
async function at<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    if (!err.field) throw new ConfigError(path, err.detail);
    const detail = err.detail.startsWith(`${err.field}: `) ? err.detail.slice(err.field.length + 2) : err.detail;
    throw new ConfigError(`${path}.${FILE_KEYS[err.field] ?? err.field}`, detail);
  }
}

/**
 * Judges each certificate the file adds (strength, validity now) before anything is written,
 * so that a refusal names the `file` or `pem` key it came from.
 */
function judgeNewCertificates(deps: ApplyDeps, config: DeclaredConfig, apps: readonly ExternalClientApp[]): void {
  for (const app of config.apps) {
    const known = new Set(apps.find((a) => a.name === app.name)?.certificates.map((c) => c.fingerprintSha256));
    for (const cert of app.certificates) {
      if (known.has(cert.parsed.fingerprintSha256)) continue;
      try {
        deps.apps.judgeCertificate(cert.parsed.pem);
      } catch (err) {
        if (err instanceof AdminError) throw new ConfigError(cert.key, err.detail);
        throw err;
      }
    }
  }
}

async function applyUser(deps: ApplyDeps, declared: DeclaredUser, path: string, result: ApplyResult): Promise<void> {
  const { passwordEnv: _env, password, ...fields } = declared;
  const values = { ...fields, email: fields.email ?? fields.username };
  // Usernames ignore letter case: the file's spelling updates the user of any spelling (the
  // exact one first; a spelling that two older users share matches neither, and creating it is refused).
  const users = await deps.users.list();
  const sameKey = users.filter((u) => usernameKey(u.username) === usernameKey(declared.username));
  const existing = users.find((u) => u.username === declared.username) ?? (sameKey.length === 1 ? sameKey[0] : undefined);
  if (!existing) {
    await at(path, () => deps.users.create({ ...values, password }));
    result.created.push(`user ${declared.username}`);
    return;
  }
  const passwordChanged = password !== undefined && (existing.passwordHash === null || !(await verifySecret(password, existing.passwordHash)));
  const { username: _u, ...update } = values;
  const after = await at(path, () => deps.users.update({ id: existing.id }, { ...update, ...(passwordChanged && { password }) }));
  if (!isDeepStrictEqual(after, existing)) result.updated.push(`user ${declared.username}`);
}

/**
 * Creates or updates one declared app. `sessionTimeoutDefault` is what an app that declares no
 * session timeout gets, on every start: it follows the org's access-token lifetime.
 */
async function applyApp(
  deps: ApplyDeps,
  declared: DeclaredApp,
  path: string,
  existing: ExternalClientApp | undefined,
  sessionTimeoutDefault: number,
  prune: boolean,
  result: ApplyResult,
): Promise<void> {
  const { certificates, consumerSecret, consumerSecretEnv: _env, flows, ...fields } = declared;
  const settings = {
    ...(fields.contactEmail !== undefined && { contactEmail: fields.contactEmail }),
    scopes: fields.scopes,
    requireJti: fields.requireJti,
    accessTokenFormat: fields.accessTokenFormat,
    assertionProfile: fields.assertionProfile,
    keyCustody: fields.keyCustody,
    policies: { ...fields.policies, sessionTimeoutMinutes: fields.policies.sessionTimeoutMinutes ?? sessionTimeoutDefault },
  };
  if (!existing) {
    await at(path, () =>
      deps.apps.create({
        ...settings,
        name: declared.name,
        consumerKey: fields.consumerKey,
        clientCredentialsRunAs: fields.clientCredentialsRunAs,
        flows,
        certificates: certificates.map((c) => c.parsed.pem),
      }),
    );
    result.created.push(`app ${declared.name}`);
  } else {
    const known = new Set(existing.certificates.map((c) => c.fingerprintSha256));
    for (const [i, cert] of certificates.entries()) {
      if (!known.has(cert.parsed.fingerprintSha256)) await at(`${path}.certificates.${i}`, () => deps.apps.addCertificate({ id: existing.id }, cert.parsed.pem));
    }
    await at(path, () =>
      deps.apps.update({ id: existing.id }, { ...settings, clientCredentialsRunAs: fields.clientCredentialsRunAs ?? null, flows }),
    );
    // A credential taken out of the file may be one that leaked: removed with --prune, named otherwise.
    const undeclared = async (name: string, key: string, remove: () => Promise<unknown>) => {
      if (!prune) return void result.undeclared.push(name);
      await at(`${path}.${key}`, remove);
      result.removed.push(name);
    };
    const listed = new Set(certificates.map((c) => c.parsed.fingerprintSha256));
    for (const cert of existing.certificates.filter((c) => !listed.has(c.fingerprintSha256))) {
      await undeclared(`certificate ${cert.fingerprintSha256} of app ${declared.name}`, 'certificates', () => deps.apps.removeCertificate({ id: existing.id }, cert.id));
    }
    if (existing.consumerSecretHash !== null && consumerSecret === undefined) {
      await undeclared(`consumer secret of app ${declared.name}`, 'consumerSecretEnv', () => deps.apps.removeSecret({ id: existing.id }));
    }
  }
  let app = await deps.apps.get({ name: declared.name });
  if (consumerSecret !== undefined && !(app.consumerSecretHash !== null && (await verifySecret(consumerSecret, app.consumerSecretHash)))) {
    app = await deps.apps.setSecret({ id: app.id }, consumerSecret);
  }
  if (existing && !isDeepStrictEqual(app, existing)) result.updated.push(`app ${declared.name}`);
}

/**
 * Applies the file in one transaction: a file refused part-way leaves nothing changed, and
 * instances starting together on one PostgreSQL database apply it one after the other.
 */
export function applyConfig(services: AdminServices, config: DeclaredConfig, options: { prune: boolean }): Promise<ApplyResult> {
  return services.atomically((deps) => applyAll(deps, config, options));
}

async function applyAll(deps: ApplyDeps, config: DeclaredConfig, options: { prune: boolean }): Promise<ApplyResult> {
  const result: ApplyResult = { created: [], updated: [], removed: [], undeclared: [], kept: [] };
  const apps = await deps.apps.list();
  judgeNewCertificates(deps, config, apps);
  const org = await at('org', () => deps.orgs.upsert(config.org));
  for (const [i, user] of config.users.entries()) await applyUser(deps, user, `users.${i}`, result);
  for (const [i, app] of config.apps.entries()) {
    const existing = apps.find((a) => a.name === app.name);
    await applyApp(deps, app, `apps.${i}`, existing, defaultSessionTimeoutMinutes(org), options.prune, result);
  }
  if (options.prune) await prune(deps, config, apps, result);
  return result;
}

/**
 * Deletes what the file does not declare, except the ways into the admin API: an app that
 * grants the `admin` scope and a user holding ManageUsers are kept and named, since deleting
 * them would lock the CLI and the console out with nothing left to undo it. They are removed
 * by name, with `keygate app delete` and `keygate user delete`.
 */
async function prune(deps: ApplyDeps, config: DeclaredConfig, apps: readonly ExternalClientApp[], result: ApplyResult): Promise<void> {
  const appNames = new Set(config.apps.map((a) => a.name));
  for (const app of apps.filter((a) => !appNames.has(a.name))) {
    if (app.scopes.includes(ADMIN_SCOPE)) {
      result.kept.push(`app ${app.name}, which grants the admin scope`);
      continue;
    }
    await deps.apps.delete({ id: app.id });
    result.removed.push(`app ${app.name}`);
  }
  // Declared as applyUser matches: by exact spelling, or in any case where one user holds that name.
  const usernames = new Set(config.users.map((u) => u.username));
  const keys = new Set(config.users.map((u) => usernameKey(u.username)));
  const users = await deps.users.list();
  const holders = new Map<string, number>();
  for (const u of users) holders.set(usernameKey(u.username), (holders.get(usernameKey(u.username)) ?? 0) + 1);
  const declared = (u: { username: string }) => usernames.has(u.username) || (keys.has(usernameKey(u.username)) && holders.get(usernameKey(u.username)) === 1);
  for (const user of users.filter((u) => !declared(u))) {
    if (user.permissions.includes('ManageUsers')) {
      result.kept.push(`user ${user.username}, who holds ManageUsers`);
      continue;
    }
    try {
      await deps.users.delete({ id: user.id });
      result.removed.push(`user ${user.username}`);
    } catch (err) {
      // The user service refuses, before writing, to delete a user an app runs as: one rule, kept there.
      if (!(err instanceof AdminError && err.code === 'conflict')) throw err;
      result.kept.push(`user ${user.username}, whom an app's Client Credentials flow runs as`);
    }
  }
}
