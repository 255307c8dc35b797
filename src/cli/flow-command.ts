/**
 * `keygate flow enable|disable jwt-bearer|client-credentials|username-password --app APP`.
 * Enabling JWT Bearer needs a valid certificate on the app; the server says so when it is missing.
 */
import type { Command } from 'commander';
import type { AppDto } from '../http/admin-api/wire-mappers.js';
import { addConnectionOptions, connectAdmin, segment, type ConnectionOptions } from './admin-connection.js';
import { enabledFlows } from './app-command.js';
import { parseChoice } from './cli-format.js';
import { printLine } from './output.js';

export const FLOW_NAMES = ['jwt-bearer', 'client-credentials', 'username-password'] as const;

export function registerFlowCommand(program: Command): void {
  const flow = program.command('flow').description("switch an app's OAuth flows on or off");
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    addConnectionOptions(
      flow
        .command(name)
        .description(`${name} a flow on an app`)
        .argument('<flow>', FLOW_NAMES.join(' | '))
        .requiredOption('--app <app>', 'app name or id'),
    ).action(async (flowName: string, opts: ConnectionOptions & { app: string }) => {
      const checked = parseChoice(flowName, FLOW_NAMES, 'the flow');
      const app = await (await connectAdmin(opts)).request<AppDto>('PUT', `/apps/${segment(opts.app)}/flows/${checked}`, { enabled });
      printLine(`${enabled ? 'enabled' : 'disabled'} ${checked} on "${app.name}" (flows now: ${enabledFlows(app.flows)})`);
    });
  }
}
