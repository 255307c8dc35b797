/**
 * `keygate init`: the first administrator and the "Admin CLI" app. The CLI then reaches the
 * admin API with the JWT Bearer flow, signing with a key written 0600 in the data directory:
 * no admin password or client secret exists.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { z } from 'zod';
import { readEnvironment } from '../config/environment.js';
import { OrgSchema, UserSchema } from '../config/schema.js';
import { generateKeyPairWithCertificate } from '../platform/keygen.js';
import { makeDirectory } from '../platform/make-directory.js';
import { CliError } from './cli-error.js';
import { ADMIN_KEY_FILE, writeCliProfile } from './cli-profile.js';
import { printLine } from './output.js';

export const ADMIN_APP_NAME = 'Admin CLI';
export const ADMIN_PROFILE = 'System Administrator';

export interface InitOptions {
  /** Holds the Admin CLI's key and profile, and the SQLite database unless `databaseUrl` names PostgreSQL. */
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  readonly baseUrl: string;
  readonly admin: string;
  readonly orgName: string;
}

export interface InitResult {
  readonly created: boolean;
  readonly consumerKey: string;
  readonly username: string;
}

/** Creates the org (if absent), the admin user and the Admin CLI app; safe to run twice. */
export async function initialise(options: InitOptions): Promise<InitResult> {
  const { openKeygate } = await import('../main.js');
  const core = await openKeygate({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  // On PostgreSQL nothing else creates the data directory, which still keeps the key.
  makeDirectory(options.dataDir, 0o700);
  try {
    const { orgs, users, apps } = core.services;
    const existing = (await apps.list()).find((a) => a.name === ADMIN_APP_NAME);
    if (existing && existsSync(join(options.dataDir, ADMIN_KEY_FILE))) {
      const admin = (await users.list()).find((u) => u.permissions.includes('ManageUsers'));
      return { created: false, consumerKey: existing.consumerKey, username: admin?.username ?? options.admin };
    }
    if (!(await core.services.orgs.get().catch(() => null))) await orgs.upsert({ name: options.orgName, baseUrl: options.baseUrl });
    if (!(await users.list()).some((u) => u.username === options.admin)) {
      await users.create({
        username: options.admin,
        email: options.admin.includes('@') ? options.admin : undefined,
        profile: ADMIN_PROFILE,
        permissions: ['ApiEnabled', 'ManageUsers', 'CustomizeApplication'],
      });
    }
    const keys = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'keygate-admin-cli', days: 365 });
    writeFileSync(join(options.dataDir, ADMIN_KEY_FILE), keys.privateKeyPem, { mode: 0o600 });
    const app = existing
      ? await apps.addCertificate({ id: existing.id }, keys.certificatePem).then(() => existing)
      : (
          await apps.create({
            name: ADMIN_APP_NAME,
            contactEmail: options.admin.includes('@') ? options.admin : undefined,
            scopes: ['admin', 'api'],
            flows: { jwtBearer: true },
            certificates: [keys.certificatePem],
            keyCustody: 'file',
            policies: {
              permittedUsers: 'adminApproved',
              profiles: [ADMIN_PROFILE],
              ipRelaxation: 'enforce',
              trustedIpRanges: ['127.0.0.0/8', '::1/128'],
              sessionTimeoutMinutes: 15,
            },
          })
        ).app;
    writeCliProfile(options.dataDir, { consumerKey: app.consumerKey, username: options.admin });
    return { created: true, consumerKey: app.consumerKey, username: options.admin };
  } finally {
    await core.close();
  }
}

/** A value the org or user schema would refuse is a bad option (exit 2), found before the data directory is touched. */
function checkOption(flag: string, schema: z.ZodType, value: string): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`${flag}: ${result.error.issues[0]!.message}`, 2);
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create the first administrator and the Admin CLI app (JWT Bearer, key in the data directory)')
    .option('--data <dir>', 'data directory')
    .option('--base-url <url>', 'the org base URL (issuer)', 'http://127.0.0.1:8080')
    .option('--admin <username>', 'username of the first administrator', 'admin@keygate.local')
    .option('--org-name <name>', 'display name of the org', 'Keygate')
    .action(async (opts: { data?: string; baseUrl: string; admin: string; orgName: string }) => {
      checkOption('--base-url', OrgSchema.shape.baseUrl, opts.baseUrl);
      checkOption('--org-name', OrgSchema.shape.name, opts.orgName);
      checkOption('--admin', UserSchema.shape.username, opts.admin);
      const env = readEnvironment();
      const dataDir = opts.data ?? env.dataDir ?? '.keygate';
      // The same database `serve` and `migrate` use: KEYGATE_DATABASE_URL, else SQLite in the data directory.
      const result = await initialise({ dataDir, databaseUrl: env.databaseUrl, baseUrl: opts.baseUrl, admin: opts.admin, orgName: opts.orgName });
      printLine(
        result.created
          ? `initialised: administrator ${result.username}, app "${ADMIN_APP_NAME}" (consumer key ${result.consumerKey}); key written to ${join(dataDir, ADMIN_KEY_FILE)}`
          : `already initialised: app "${ADMIN_APP_NAME}" (consumer key ${result.consumerKey})`,
      );
    });
}
