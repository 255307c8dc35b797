/**
 * `keygate review fix CONTROL --app NAME`: applies a safe remediation through the admin API,
 * the same services every other write uses. It first shows the change and the integrations
 * that would break, judged from their traffic in the login history; nothing changes without
 * an answer of "yes" at the prompt, or `--yes`. `--dry-run` only shows the plan.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { addConnectionOptions, connectAdmin, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { printLine } from './output.js';

interface FixCommandOptions extends ConnectionOptions {
  readonly app: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

/** A fix plan as the admin API returns it. */
interface WirePlan {
  readonly control: string;
  readonly app: string;
  readonly changes: readonly { setting: string; from: string; to: string }[];
  readonly breaks: readonly { username: string | null; address: string | null; requests: number; lastSeen: string; reason: string }[] | null;
  readonly blocked: string | null;
  readonly summary: string;
}

function describePlan(plan: WirePlan): string[] {
  const lines = [plan.summary];
  for (const change of plan.changes) lines.push(`  change ${change.setting}: ${change.from} -> ${change.to}`);
  if (plan.breaks === null) {
    lines.push('  impact: unknown (no login history to judge from)');
  } else if (plan.breaks.length === 0) {
    lines.push('  impact: no integration in the login history would break');
  } else {
    lines.push('  would break:');
    for (const b of plan.breaks) {
      const who = [b.username, b.address].filter(Boolean).join(' from ') || 'an unidentified client';
      lines.push(`    ${who}: ${b.requests} request(s), last ${b.lastSeen.slice(0, 10)} (${b.reason})`);
    }
  }
  if (plan.blocked !== null) lines.push(`  blocked: ${plan.blocked}`);
  return lines;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerReviewFixCommand(review: Command): void {
  addConnectionOptions(
    review
      .command('fix')
      .description('apply a safe remediation to one app, after showing the change and what it would break')
      .argument('<control>', 'control id, e.g. eca.oauth-flow.username-password-disabled')
      .requiredOption('--app <app>', 'app name or id')
      .option('--dry-run', 'show the plan and change nothing')
      .option('--yes', 'apply without asking'),
  ).action(async (control: string, opts: FixCommandOptions) => {
    const admin = await connectAdmin(opts);
    const query = new URLSearchParams({ control, app: opts.app });
    const plan = await admin.request<WirePlan>('GET', `/reviews/fix-plan?${query}`);
    for (const line of describePlan(plan)) printLine(line);
    if (plan.blocked !== null) throw new CliError(`not applied: ${plan.blocked}`);
    if (plan.changes.length === 0 || opts.dryRun) return;
    if (!opts.yes && !(await confirm('Apply this change? [y/N] '))) {
      throw new CliError(process.stdin.isTTY ? 'not applied' : 'not applied: pass --yes to apply without a prompt');
    }
    await admin.request('POST', '/reviews/fix', { control, app: opts.app, confirm: true });
    printLine('applied');
  });
}
