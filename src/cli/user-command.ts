/**
 * `keygate user list|show|create|update|activate|deactivate|lock|unlock|delete`: org users
 * through the admin API. A password is never taken on the command line (it would show in the
 * process list and shell history): `--password-env VAR` names the variable holding it.
 */
import type { Command } from 'commander';
import { readEnvironment } from '../config/environment.js';
import { addConnectionOptions, connectAdmin, segment, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { list, printFields, printTable } from './cli-format.js';
import { addListOption, listValue } from './parse.js';
import { printJson, printLine } from './output.js';
import type { UserDto } from '../http/admin-api/wire-mappers.js';

interface UserSettingsOptions extends ConnectionOptions {
  json?: boolean;
  email?: string;
  profile?: string;
  permissionSet?: string[] | false;
  permission?: string[] | false;
  loginIpRange?: string[] | false;
  approvedApp?: string[] | false;
  passwordEnv?: string;
}

function addSettingsOptions(command: Command): Command {
  command.option('--email <email>', 'email address').option('--profile <name>', 'profile (pre-authorizes the user for apps that list it)');
  addListOption(command, 'permission-set', 'name', 'permission sets');
  addListOption(command, 'permission', 'name', 'permissions, e.g. ApiEnabled ManageUsers');
  addListOption(command, 'login-ip-range', 'cidr', "the profile's login IP ranges (none: any address)");
  addListOption(command, 'approved-app', 'name', 'apps the user approved, for self-authorized apps');
  return command
    .option('--password-env <var>', 'environment variable holding a password (console sign-in, legacy password flow)')
    .option('--json', 'print JSON');
}

function settingsBody(opts: UserSettingsOptions): Record<string, unknown> {
  let password: string | undefined;
  if (opts.passwordEnv !== undefined) {
    password = readEnvironment().all[opts.passwordEnv];
    if (!password) throw new CliError(`--password-env: the environment variable ${opts.passwordEnv} is not set`, 2);
  }
  return {
    ...(opts.email !== undefined && { email: opts.email }),
    ...(opts.profile !== undefined && { profile: opts.profile }),
    ...(opts.permissionSet !== undefined && { permissionSets: listValue(opts.permissionSet) }),
    ...(opts.permission !== undefined && { permissions: listValue(opts.permission) }),
    ...(opts.loginIpRange !== undefined && { loginIpRanges: listValue(opts.loginIpRange) }),
    ...(opts.approvedApp !== undefined && { approvedApps: listValue(opts.approvedApp) }),
    ...(password !== undefined && { password }),
  };
}

function status(user: UserDto): string {
  return [user.active ? 'active' : 'inactive', ...(user.locked ? ['locked'] : [])].join(', ');
}

function printUser(user: UserDto): void {
  printFields([
    ['username', user.username],
    ['id', user.id],
    ['email', user.email],
    ['profile', user.profile],
    ['permission sets', list(user.permissionSets)],
    ['permissions', list(user.permissions)],
    ['status', status(user)],
    ['login ip ranges', list(user.loginIpRanges)],
    ['approved apps', list(user.approvedApps)],
    ['password', user.hasPassword ? 'set' : 'none'],
    ['totp', user.totpEnabled ? 'enabled' : 'off'],
  ]);
}

/** A one-field change (`deactivate`, `lock`, ...) as its own subcommand. */
function registerSwitch(user: Command, name: string, description: string, change: Record<string, boolean>, done: string): void {
  addConnectionOptions(user.command(name).description(description).argument('<user>', 'username or id')).action(async (ref: string, opts: ConnectionOptions) => {
    const updated = await (await connectAdmin(opts)).request<UserDto>('PATCH', `/users/${segment(ref)}`, change);
    printLine(`${done} ${updated.username}`);
  });
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('manage org users through the admin API');

  addConnectionOptions(user.command('list').description('list users').option('--json', 'print JSON')).action(async (opts: ConnectionOptions & { json?: boolean }) => {
    const { items } = await (await connectAdmin(opts)).request<{ items: UserDto[] }>('GET', '/users');
    if (opts.json) return printJson(items);
    printTable(
      ['USERNAME', 'PROFILE', 'PERMISSION SETS', 'PERMISSIONS', 'STATUS'],
      items.map((u) => [u.username, u.profile, list(u.permissionSets), list(u.permissions), status(u)]),
    );
  });

  addConnectionOptions(user.command('show').description('show one user').argument('<user>', 'username or id').option('--json', 'print JSON')).action(
    async (ref: string, opts: ConnectionOptions & { json?: boolean }) => {
      const found = await (await connectAdmin(opts)).request<UserDto>('GET', `/users/${segment(ref)}`);
      if (opts.json) return printJson(found);
      printUser(found);
    },
  );

  addConnectionOptions(addSettingsOptions(user.command('create').description('create a user').argument('<username>', 'username'))).action(
    async (username: string, opts: UserSettingsOptions) => {
      const created = await (await connectAdmin(opts)).request<UserDto>('POST', '/users', { username, ...settingsBody(opts) });
      if (opts.json) return printJson(created);
      printLine(`created user ${created.username} (id ${created.id}, profile ${created.profile})`);
    },
  );

  addConnectionOptions(addSettingsOptions(user.command('update').description("change a user's settings").argument('<user>', 'username or id'))).action(
    async (ref: string, opts: UserSettingsOptions) => {
      const body = settingsBody(opts);
      if (Object.keys(body).length === 0) throw new CliError('nothing to change: give at least one setting option (see keygate user update --help)', 2);
      const updated = await (await connectAdmin(opts)).request<UserDto>('PATCH', `/users/${segment(ref)}`, body);
      if (opts.json) return printJson(updated);
      printLine(`updated user ${updated.username}`);
    },
  );

  registerSwitch(user, 'activate', 'let the user get tokens again', { active: true }, 'activated');
  registerSwitch(user, 'deactivate', 'stop the user from getting tokens; their tokens stop working', { active: false }, 'deactivated');
  registerSwitch(user, 'lock', 'lock the user out; their tokens stop working', { locked: true }, 'locked');
  registerSwitch(user, 'unlock', 'unlock the user', { locked: false }, 'unlocked');

  addConnectionOptions(user.command('delete').description('delete a user').argument('<user>', 'username or id')).action(async (ref: string, opts: ConnectionOptions) => {
    await (await connectAdmin(opts)).request('DELETE', `/users/${segment(ref)}`);
    printLine(`deleted user ${ref}`);
  });
}
