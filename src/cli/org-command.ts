/**
 * `keygate org show|update`: the org's issuer, accepted audiences, time limits and the
 * org-wide certificate rule, through the admin API. The server checks every value (and its
 * bounds) and names the one it refuses.
 */
import type { Command } from 'commander';
import { addConnectionOptions, connectAdmin, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { list, parseChoice, printFields } from './cli-format.js';
import { addListOption, listValue } from './parse.js';
import { printJson, printLine } from './output.js';
import type { OrgDto } from '../http/admin-api/wire-mappers.js';

interface OrgUpdateOptions extends ConnectionOptions {
  json?: boolean;
  name?: string;
  baseUrl?: string;
  extraAudience?: string[] | false;
  clockSkew?: string;
  maxAssertionLifetime?: string;
  accessTokenLifetime?: string;
  requireCertificates?: string;
}

/** A whole number of seconds; the range is the server's to judge. */
function seconds(value: string, flag: string): number {
  if (!/^\d{1,6}$/.test(value)) throw new CliError(`${flag} must be a whole number of seconds, not "${value}"`, 2);
  return Number(value);
}

function updateBody(opts: OrgUpdateOptions): Record<string, unknown> {
  return {
    ...(opts.name !== undefined && { name: opts.name }),
    ...(opts.baseUrl !== undefined && { baseUrl: opts.baseUrl }),
    ...(opts.extraAudience !== undefined && { extraAudiences: listValue(opts.extraAudience) }),
    ...(opts.clockSkew !== undefined && { clockSkewSeconds: seconds(opts.clockSkew, '--clock-skew') }),
    ...(opts.maxAssertionLifetime !== undefined && { maxAssertionLifetimeSeconds: seconds(opts.maxAssertionLifetime, '--max-assertion-lifetime') }),
    ...(opts.accessTokenLifetime !== undefined && { accessTokenLifetimeSeconds: seconds(opts.accessTokenLifetime, '--access-token-lifetime') }),
    ...(opts.requireCertificates !== undefined && { requireAsymmetricM2M: parseChoice(opts.requireCertificates, ['on', 'off'], '--require-certificates') === 'on' }),
  };
}

function printOrg(org: OrgDto): void {
  printFields([
    ['name', org.name],
    ['id', org.id],
    ['base url', org.baseUrl],
    ['extra audiences', list(org.extraAudiences)],
    ['clock skew', `${org.clockSkewSeconds} s`],
    ['max assertion lifetime', `${org.maxAssertionLifetimeSeconds} s`],
    ['access token lifetime', `${org.accessTokenLifetimeSeconds} s`],
    ['require certificates', org.requireAsymmetricM2M ? 'on' : 'off'],
  ]);
}

export function registerOrgCommand(program: Command): void {
  const org = program.command('org').description("show or change the org's settings through the admin API");

  addConnectionOptions(org.command('show').description("show the org's settings").option('--json', 'print JSON')).action(async (opts: ConnectionOptions & { json?: boolean }) => {
    const found = await (await connectAdmin(opts)).request<OrgDto>('GET', '/org');
    if (opts.json) return printJson(found);
    printOrg(found);
  });

  const update = org
    .command('update')
    .description("change some of the org's settings; the others stay as they are")
    .option('--name <name>', 'display name')
    .option('--base-url <url>', 'issuer, instance_url and default audience (changing it invalidates the JWT access tokens already issued)');
  addConnectionOptions(
    addListOption(update, 'extra-audience', 'url', 'further accepted aud values')
      .option('--clock-skew <seconds>', 'allowed clock difference for exp, nbf and iat (0 to 300)')
      .option('--max-assertion-lifetime <seconds>', 'longest an assertion may live (30 to 3600)')
      .option('--access-token-lifetime <seconds>', 'access-token lifetime of apps created without a session timeout (60 to 86400)')
      .option('--require-certificates <on|off>', 'org-wide rule: refuse consumer secrets (token, introspection, revocation) and the password grant')
      .option('--json', 'print JSON'),
  ).action(async (opts: OrgUpdateOptions) => {
    const body = updateBody(opts);
    if (Object.keys(body).length === 0) throw new CliError('nothing to change: give at least one setting option (see keygate org update --help)', 2);
    const updated = await (await connectAdmin(opts)).request<OrgDto>('PATCH', '/org', body);
    if (opts.json) return printJson(updated);
    printLine(`updated org ${updated.name}`);
  });
}
