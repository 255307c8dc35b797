/**
 * `keygate review`: the security health review from the command line.
 *
 * Offline sources: `--config keygate.yaml` (a configuration file, for pull-request gates) and
 * `--salesforce DIR` (metadata retrieved from a real Salesforce org). With neither, the running
 * server reviews itself through the admin API and the CLI renders the result.
 *
 * Exit codes: 0 done, 3 when `--fail-on BAND` trips, 2 for usage, configuration or metadata
 * errors (one line on stderr, never a stack trace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import {
  CONTROL_IDS,
  CONTROLS,
  failOnExitCode,
  isFailOnBand,
  loadAcceptedRisks,
  resolveBaseline,
  runReview,
  type AcceptedRisk,
  type Baseline,
  type ReviewResult,
  type Snapshot,
} from '../review/index.js';
import { compareFindings } from '../review/engine/review.js';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../review/report/render-report.js';
import { formatProgress, PROGRESS_THRESHOLD_APPS } from '../review/report/text.js';
import { snapshotFromConfig } from '../review/sources/from-config.js';
import { looksLikeXml, parseHealthCheckBaseline, unmappedSettingFindings, type HealthCheckBaseline } from '../review/sources/salesforce/health-check-baseline.js';
import { snapshotFromSalesforce } from '../review/sources/salesforce/from-salesforce.js';
import { SalesforceMetadataError } from '../review/sources/salesforce/salesforce-metadata-error.js';
import { fromJsonReport, type JsonReport } from '../review/report/json.js';
import type { ScorePoint } from '../review/report/html.js';
import { addConnectionOptions, connectAdmin, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { registerReviewFixCommand } from './review-fix-command.js';

/** The options `keygate review` takes, as Commander parses them. */
export interface ReviewCommandOptions extends ConnectionOptions {
  readonly config?: string;
  readonly salesforce?: string;
  readonly format?: string;
  readonly baseline?: string;
  readonly output?: string;
  readonly failOn?: string;
  readonly acceptedRisks?: string;
}

/** Where output goes and what time it is: the process by default, captured in tests. */
export interface ReviewCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => Date;
  /** Whether stderr is a terminal (progress lines and colour). */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const PROCESS_IO: ReviewCommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => new Date(),
  interactive: Boolean(process.stderr.isTTY),
  env: process.env,
};

/** What an offline review reads. */
export type ReviewSource = { readonly kind: 'config'; readonly file: string } | { readonly kind: 'salesforce'; readonly dir: string };

type SourceLoader<K extends ReviewSource['kind']> = (source: Extract<ReviewSource, { kind: K }>, io: ReviewCommandIo) => Promise<Snapshot>;

/** One snapshot builder per offline source. */
export const SNAPSHOT_SOURCES: { [K in ReviewSource['kind']]: SourceLoader<K> } = {
  config: async ({ file }, io) => {
    const config = loadConfigFile(file, io.env, { readSecrets: false });
    return snapshotFromConfig(config, { now: io.now(), file, text: readFileSync(file, 'utf8') });
  },
  salesforce: async ({ dir }, io) => {
    try {
      return snapshotFromSalesforce(dir, { now: io.now() });
    } catch (err) {
      if (err instanceof SalesforceMetadataError) throw new CliError(`invalid Salesforce metadata: ${oneLine(err.message)}`, 2);
      throw err;
    }
  },
};

/**
 * The running server reviews itself (traffic-aware controls included) and keeps the result;
 * the CLI renders it, with the score history for the HTML report.
 */
async function reviewRunningServer(options: ReviewCommandOptions): Promise<{ result: ReviewResult; history: ScorePoint[] }> {
  if (options.acceptedRisks !== undefined) {
    throw new CliError('--accepted-risks applies to offline reviews; the running server keeps its own accepted risks (admin API, console)', 2);
  }
  const baseline = options.baseline ?? 'standard';
  if (baseline !== 'standard' && baseline !== 'high-security') {
    throw new CliError('the running server reviews with a built-in baseline: standard or high-security', 2);
  }
  const admin = await connectAdmin(options);
  const stored = await admin.request<{ report: JsonReport }>('POST', '/reviews', { baseline });
  const past = await admin.request<{ items: { generatedAt: string; score: number }[] }>('GET', '/reviews?limit=100');
  // Newest first, and the newest is the review just run: the chart appends that one itself.
  const history = past.items.slice(1).map((r) => ({ at: new Date(r.generatedAt), score: r.score })).reverse();
  return { result: fromJsonReport(stored.report), history };
}

export function registerReviewCommand(program: Command): void {
  const review = program
    .command('review')
    .description('run the security health review over a configuration file, Salesforce metadata or the running server')
    .option('--config <file>', 'review a keygate.yaml offline')
    .option('--salesforce <dir>', 'review Salesforce source-format metadata offline (e.g. force-app)')
    .option('--format <format>', `report format: ${REPORT_FORMATS.join(', ')}`, 'text')
    .option('--baseline <baseline>', 'standard, high-security, or a baseline file (YAML/JSON, or a Salesforce Health Check XML)')
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option('--fail-on <band>', 'exit 3 when an open finding at or above critical, high, medium or low fails')
    .option('--accepted-risks <file>', 'accepted risks (YAML or JSON): matching findings become accepted until they expire');
  // `review fix` has options of the same names; they belong to whichever command they follow.
  review.enablePositionalOptions();
  addConnectionOptions(review).action(async (opts: ReviewCommandOptions) => {
    process.exitCode = await runReviewCommand(opts);
  });
  registerReviewFixCommand(review);
}

/** Runs the review and writes the report; returns the exit code (0 or 3). Throws CliError (exit 2). */
export async function runReviewCommand(options: ReviewCommandOptions, io: ReviewCommandIo = PROCESS_IO): Promise<number> {
  const format = options.format ?? 'text';
  if (!isReportFormat(format)) throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`, 2);
  if (options.failOn !== undefined && !isFailOnBand(options.failOn)) {
    throw new CliError(`--fail-on must be one of critical, high, medium, low, not "${options.failOn}"`, 2);
  }
  const source = sourceOf(options);
  let result: ReviewResult;
  let history: ScorePoint[] | undefined;
  if (source === null) {
    ({ result, history } = await reviewRunningServer(options));
  } else {
    const baseline = loadBaseline(options.baseline);
    const acceptedRisks = options.acceptedRisks !== undefined ? loadAcceptedRisks(options.acceptedRisks) : [];
    const snapshot = await loadSnapshot(source, io);
    result = review(snapshot, baseline, acceptedRisks, format === 'text' && io.interactive, io);
  }
  const report = renderReport(result, format, {
    controls: CONTROLS,
    toolVersion: toolVersion(),
    color: format === 'text' && io.interactive && !io.env['NO_COLOR'],
    ...(history ? { history } : {}),
  });
  if (options.output !== undefined) {
    try {
      writeFileSync(options.output, report);
    } catch (err) {
      throw new CliError(`cannot write ${options.output}: ${(err as NodeJS.ErrnoException).code ?? 'unwritable'}`, 2);
    }
    io.stdout(`Wrote the ${format} report to ${options.output}: score ${result.score}/100 (${result.grade}), ${result.findings.filter((f) => f.status === 'fail').length} failing.\n`);
  } else {
    io.stdout(report);
  }
  return failOnExitCode(result.findings, options.failOn as Parameters<typeof failOnExitCode>[1]);
}

function loadSnapshot(source: ReviewSource, io: ReviewCommandIo): Promise<Snapshot> {
  const load = SNAPSHOT_SOURCES[source.kind] as (source: ReviewSource, io: ReviewCommandIo) => Promise<Snapshot>;
  return load(source, io);
}

/** The offline source named by the options, or null for the running server. */
function sourceOf(options: ReviewCommandOptions): ReviewSource | null {
  if (options.config !== undefined && options.salesforce !== undefined) throw new CliError('give either --config or --salesforce, not both', 2);
  if (options.config !== undefined) return { kind: 'config', file: options.config };
  if (options.salesforce !== undefined) return { kind: 'salesforce', dir: options.salesforce };
  return null;
}

/** A built-in name, a YAML/JSON baseline file, or a Salesforce Health Check XML baseline. */
function loadBaseline(nameOrFile: string | undefined): { baseline: Baseline; healthCheck?: HealthCheckBaseline } {
  if (nameOrFile === undefined || nameOrFile === 'standard' || nameOrFile === 'high-security') return { baseline: resolveBaseline(nameOrFile) };
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch (err) {
    throw new CliError(`invalid baseline: ${nameOrFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, 2);
  }
  if (!nameOrFile.toLowerCase().endsWith('.xml') && !looksLikeXml(text)) return { baseline: resolveBaseline(nameOrFile) };
  try {
    const healthCheck = parseHealthCheckBaseline(nameOrFile, text, CONTROL_IDS);
    return { baseline: healthCheck.baseline, healthCheck };
  } catch (err) {
    if (err instanceof SalesforceMetadataError) throw new CliError(`invalid baseline: ${oneLine(err.message)}`, 2);
    throw err;
  }
}

function review(
  snapshot: Snapshot,
  chosen: { baseline: Baseline; healthCheck?: HealthCheckBaseline },
  acceptedRisks: readonly AcceptedRisk[],
  progress: boolean,
  io: ReviewCommandIo,
): ReviewResult {
  const showProgress = progress && snapshot.apps.length >= PROGRESS_THRESHOLD_APPS;
  const result = runReview(snapshot, {
    baseline: chosen.baseline,
    acceptedRisks,
    ...(showProgress ? { onProgress: (done: number, total: number) => io.stderr(`\r${formatProgress(done, total)}${done === total ? '\n' : ''}`) } : {}),
  });
  if (!chosen.healthCheck || chosen.healthCheck.unmapped.length === 0) return result;
  const findings = [...result.findings, ...unmappedSettingFindings(chosen.healthCheck, snapshot.org.name)].sort(compareFindings);
  return { ...result, findings };
}

let version: string | undefined;
function toolVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

function oneLine(message: string): string {
  return message.split('\n')[0]!;
}
