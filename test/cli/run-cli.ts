/**
 * Runs the real `keygate` binary (`node bin/keygate.js`, which loads dist/) as a child process,
 * and starts `keygate serve` in the background. `npm test` builds dist/ first; when a test file
 * runs alone against an older build, {@link ensureBuilt} compiles it once.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/keygate.js');
const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function newestMtime(dir: string): number {
  return readdirSync(dir).reduce((newest, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }, 0);
}

/** Compiles src/ to dist/ when dist/ is missing or older than the sources. */
export async function ensureBuilt(): Promise<void> {
  const entry = join(ROOT, 'dist/cli/main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(ROOT, 'src/cli')) && statSync(entry).mtimeMs >= newestMtime(join(ROOT, 'src/http/admin-api'))) return;
  // Type errors elsewhere in a shared working tree must not stop the emit; the type check is its own step.
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
  if (!existsSync(entry)) throw new Error('dist/cli/main.js was not built');
}

/** Runs `keygate ARGS...`; never throws on a non-zero exit. */
export async function keygate(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, KEYGATE_DATA_DIR: '', KEYGATE_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `keygate serve ARGS...` and resolves once it prints "listening on URL". */
export function serve(args: readonly string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  return startInBackground(['serve', ...args], env);
}

/**
 * Starts `keygate ARGS...` (a command that serves) and resolves once it has printed "listening on
 * URL" and `ready(output)` holds: a command may print more that a test needs once it serves.
 */
export function startInBackground(
  args: readonly string[],
  env: Record<string, string> = {},
  ready: (output: string) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, KEYGATE_DATA_DIR: '', KEYGATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const name = `keygate ${args[0] ?? ''}`;
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /keygate listening on (\S+)/.exec(output);
      if (match && ready(output)) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1]!,
          child,
          output: () => output,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}
