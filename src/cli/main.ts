/**
 * The `keygate` command line. Every command lives in its own file; failures print one line
 * on stderr and exit non-zero (2 for usage and configuration errors), never a stack trace.
 */
import cluster from 'node:cluster';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { registerAppCommand } from './app-command.js';
import { registerAssertionCommand } from './assertion-command.js';
import { registerCertCommand } from './cert-command.js';
import { CliError } from './cli-error.js';
import { registerDemoCommand } from './demo-command.js';
import { registerFlowCommand } from './flow-command.js';
import { registerHistoryCommand } from './history-command.js';
import { registerInitCommand } from './init-command.js';
import { registerKeygenCommand } from './keygen-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerOrgCommand } from './org-command.js';
import { registerReviewCommand } from './review-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommand } from './token-command.js';
import { registerUserCommand } from './user-command.js';

/** Every command, in the order `--help` lists them; docs/cli.md documents each (checked by a test). */
export const COMMANDS = [
  registerServeCommand,
  registerDemoCommand,
  registerInitCommand,
  registerMigrateCommand,
  registerOrgCommand,
  registerAppCommand,
  registerUserCommand,
  registerCertCommand,
  registerFlowCommand,
  registerHistoryCommand,
  registerReviewCommand,
  registerKeygenCommand,
  registerAssertionCommand,
  registerTokenCommand,
];

export function buildProgram(): Command {
  const program = new Command('keygate')
    .description('Keygate: an OAuth 2.0 authorization server for certificate-based machine-to-machine integrations')
    .version('0.1.0')
    .showSuggestionAfterError()
    // A subcommand's options belong to it even where its parent has one of the same name.
    .enablePositionalOptions()
    // Usage errors read like every other failure: one line, beginning `keygate: `.
    .configureOutput({ outputError: (message, write) => write(`keygate: ${message.replace(/^error: /, '')}`) })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  program.commands.forEach(function exitOverrideAll(cmd: Command) {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverrideAll);
  });
  return program;
}

/**
 * A reader that stops early (`keygate history | head`) closes the pipe under us. That is not a
 * failure: stop writing and leave quietly. Any other output error is one line on stderr.
 */
function leaveQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`keygate: cannot write the output: ${err.message}\n`);
    process.exit(err.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
  });
}

export async function main(argv: string[]): Promise<void> {
  leaveQuietlyOnClosedPipe(process.stdout);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = report(err);
    // A `serve --workers` worker stays alive on its IPC channel; its primary waits for it to exit.
    if (cluster.isWorker) process.exit();
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof CliError) {
    process.stderr.write(`keygate: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`keygate: invalid ${err.subject}: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`keygate: ${message.split('\n')[0]}\n`);
  return 1;
}
