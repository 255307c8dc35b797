/**
 * `keygate app list|show|create|update|delete|rotate-secret|delete-secret`: External Client Apps through the
 * admin API. A consumer secret is printed once, by the command that creates it.
 */
import type { Command } from 'commander';
import type { AppDto, AppWithSecretDto } from '../http/admin-api/wire-mappers.js';
import { addConnectionOptions, connectAdmin, segment, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { list, parseChoice, printFields, printTable } from './cli-format.js';
import { printJson, printLine, warn } from './output.js';
import { addListOption, listValue, parsePositiveInt } from './parse.js';

interface AppSettingsOptions extends ConnectionOptions {
  json?: boolean;
  contactEmail?: string;
  scope?: string[] | false;
  runAs?: string;
  tokenFormat?: string;
  assertionProfile?: string;
  keyCustody?: string;
  requireJti?: boolean;
  permittedUsers?: string;
  profile?: string[] | false;
  permissionSet?: string[] | false;
  ipRelaxation?: string;
  trustedIpRange?: string[] | false;
  sessionTimeout?: string;
}

interface CreateOptions extends AppSettingsOptions {
  consumerKey?: string;
  generateSecret?: boolean;
}

export function enabledFlows(flows: AppDto['flows']): string {
  const names = [flows.jwtBearer && 'jwt-bearer', flows.clientCredentials && 'client-credentials', flows.usernamePassword && 'username-password'].filter(
    (f): f is string => typeof f === 'string',
  );
  return list(names);
}

function addSettingsOptions(command: Command): Command {
  command.option('--contact-email <email>', 'who to contact about this integration');
  addListOption(command, 'scope', 'scope', 'scopes the app may be granted')
    .option('--run-as <username>', 'user the client-credentials flow acts as')
    .option('--token-format <format>', 'access-token format: jwt or opaque')
    .option('--assertion-profile <profile>', 'strict or salesforce-compat')
    .option('--key-custody <custody>', 'where the integration keeps its key: file, kms or hsm')
    .option('--require-jti', 'require a jti in every assertion')
    .option('--no-require-jti', 'accept assertions without a jti')
    .option('--permitted-users <policy>', 'adminApproved or selfAuthorized');
  addListOption(command, 'profile', 'name', 'pre-authorized profiles');
  addListOption(command, 'permission-set', 'name', 'pre-authorized permission sets');
  command.option('--ip-relaxation <mode>', 'enforce or relax');
  addListOption(command, 'trusted-ip-range', 'cidr', 'trusted IP ranges');
  return command.option('--session-timeout <minutes>', "access-token lifetime for this app, in minutes (default: the org's access-token lifetime)");
}

/** The app settings the options name, as an admin API body; unset options are left out. */
function settingsBody(opts: AppSettingsOptions): Record<string, unknown> {
  const policies = {
    ...(opts.permittedUsers !== undefined && { permittedUsers: parseChoice(opts.permittedUsers, ['adminApproved', 'selfAuthorized'], '--permitted-users') }),
    ...(opts.profile !== undefined && { profiles: listValue(opts.profile) }),
    ...(opts.permissionSet !== undefined && { permissionSets: listValue(opts.permissionSet) }),
    ...(opts.ipRelaxation !== undefined && { ipRelaxation: parseChoice(opts.ipRelaxation, ['enforce', 'relax'], '--ip-relaxation') }),
    ...(opts.trustedIpRange !== undefined && { trustedIpRanges: listValue(opts.trustedIpRange) }),
    ...(opts.sessionTimeout !== undefined && { sessionTimeoutMinutes: parsePositiveInt(opts.sessionTimeout, '--session-timeout') }),
  };
  return {
    ...(opts.contactEmail !== undefined && { contactEmail: opts.contactEmail }),
    ...(opts.scope !== undefined && { scopes: listValue(opts.scope) }),
    ...(opts.runAs !== undefined && { clientCredentialsRunAs: opts.runAs }),
    ...(opts.tokenFormat !== undefined && { accessTokenFormat: parseChoice(opts.tokenFormat, ['jwt', 'opaque'], '--token-format') }),
    ...(opts.assertionProfile !== undefined && { assertionProfile: parseChoice(opts.assertionProfile, ['strict', 'salesforce-compat'], '--assertion-profile') }),
    ...(opts.keyCustody !== undefined && { keyCustody: parseChoice(opts.keyCustody, ['file', 'kms', 'hsm'], '--key-custody') }),
    ...(opts.requireJti !== undefined && { requireJti: opts.requireJti }),
    ...(Object.keys(policies).length > 0 && { policies }),
  };
}

export function printApp(app: AppDto): void {
  printFields([
    ['name', app.name],
    ['id', app.id],
    ['consumer key', app.consumerKey],
    ['consumer secret', app.hasConsumerSecret ? `set ${app.consumerSecretCreatedAt ?? ''}`.trim() : 'none'],
    ['contact', app.contactEmail || '-'],
    ['scopes', list(app.scopes)],
    ['flows', enabledFlows(app.flows)],
    ['run as', app.clientCredentialsRunAs ?? '-'],
    ['require jti', String(app.requireJti)],
    ['token format', app.accessTokenFormat],
    ['assertion profile', app.assertionProfile],
    ['key custody', app.keyCustody],
    ['permitted users', app.policies.permittedUsers],
    ['profiles', list(app.policies.profiles)],
    ['permission sets', list(app.policies.permissionSets)],
    ['ip relaxation', app.policies.ipRelaxation],
    ['trusted ip ranges', list(app.policies.trustedIpRanges)],
    ['session timeout', `${app.policies.sessionTimeoutMinutes} min`],
    ['certificates', app.certificates.length === 0 ? 'none' : String(app.certificates.length)],
  ]);
  for (const cert of app.certificates) printLine(`  ${cert.id}  ${cert.subject}  until ${cert.notAfter}  sha256 ${cert.fingerprintSha256}`);
}

/** Prints a consumer secret, the one time it is visible. */
function printSecretOnce(app: AppWithSecretDto, json: boolean | undefined): void {
  if (json) {
    printJson(app);
  } else {
    printLine(`consumer key:    ${app.consumerKey}`);
    printLine(`consumer secret: ${app.consumerSecret}`);
  }
  warn('keygate: the consumer secret is shown only now; store it in your secret manager');
}

export function registerAppCommand(program: Command): void {
  const app = program.command('app').description('manage External Client Apps through the admin API');

  addConnectionOptions(app.command('list').description('list apps').option('--json', 'print JSON')).action(async (opts: ConnectionOptions & { json?: boolean }) => {
    const { items } = await (await connectAdmin(opts)).request<{ items: AppDto[] }>('GET', '/apps');
    if (opts.json) return printJson(items);
    printTable(
      ['NAME', 'CONSUMER KEY', 'FLOWS', 'CERTS', 'SECRET'],
      items.map((a) => [a.name, a.consumerKey, enabledFlows(a.flows), String(a.certificates.length), a.hasConsumerSecret ? 'yes' : 'no']),
    );
  });

  addConnectionOptions(app.command('show').description('show one app').argument('<app>', 'app name or id').option('--json', 'print JSON')).action(
    async (ref: string, opts: ConnectionOptions & { json?: boolean }) => {
      const found = await (await connectAdmin(opts)).request<AppDto>('GET', `/apps/${segment(ref)}`);
      if (opts.json) return printJson(found);
      printApp(found);
    },
  );

  addConnectionOptions(
    addSettingsOptions(
      app
        .command('create')
        .description('create an app (flows stay off until you enable them)')
        .argument('<name>', 'app name')
        .option('--consumer-key <key>', 'consumer key (generated when absent)')
        .option('--generate-secret', 'also generate a consumer secret, printed once')
        .option('--json', 'print JSON'),
    ),
  ).action(async (name: string, opts: CreateOptions) => {
    const body = { name, ...settingsBody(opts), ...(opts.consumerKey !== undefined && { consumerKey: opts.consumerKey }), ...(opts.generateSecret && { generateSecret: true }) };
    const created = await (await connectAdmin(opts)).request<AppDto | AppWithSecretDto>('POST', '/apps', body);
    if ('consumerSecret' in created) {
      if (!opts.json) printLine(`created app "${created.name}" (id ${created.id})`);
      return printSecretOnce(created, opts.json);
    }
    if (opts.json) return printJson(created);
    printLine(`created app "${created.name}" (id ${created.id}, consumer key ${created.consumerKey})`);
  });

  addConnectionOptions(
    addSettingsOptions(app.command('update').description("change an app's settings and policies").argument('<app>', 'app name or id').option('--json', 'print JSON')),
  ).action(async (ref: string, opts: AppSettingsOptions) => {
    const body = settingsBody(opts);
    if (Object.keys(body).length === 0) throw new CliError('nothing to change: give at least one setting option (see keygate app update --help)', 2);
    const updated = await (await connectAdmin(opts)).request<AppDto>('PATCH', `/apps/${segment(ref)}`, body);
    if (opts.json) return printJson(updated);
    printLine(`updated app "${updated.name}"`);
  });

  addConnectionOptions(app.command('delete').description('delete an app; its tokens stop working').argument('<app>', 'app name or id')).action(
    async (ref: string, opts: ConnectionOptions) => {
      await (await connectAdmin(opts)).request('DELETE', `/apps/${segment(ref)}`);
      printLine(`deleted app "${ref}"`);
    },
  );

  addConnectionOptions(
    app
      .command('rotate-secret')
      .description('issue a new consumer secret (printed once); the old one stops working at once')
      .argument('<app>', 'app name or id')
      .option('--json', 'print JSON'),
  ).action(async (ref: string, opts: ConnectionOptions & { json?: boolean }) => {
    const rotated = await (await connectAdmin(opts)).request<AppWithSecretDto>('POST', `/apps/${segment(ref)}/secret`);
    printSecretOnce(rotated, opts.json);
  });

  addConnectionOptions(
    app
      .command('delete-secret')
      .description('delete the consumer secret; requests that present it fail from now on')
      .argument('<app>', 'app name or id'),
  ).action(async (ref: string, opts: ConnectionOptions) => {
    await (await connectAdmin(opts)).request('DELETE', `/apps/${segment(ref)}/secret`);
    printLine(`deleted the consumer secret of app "${ref}"`);
  });
}
