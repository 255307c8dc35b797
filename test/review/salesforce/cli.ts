/**
 * Runs the real `keygate` binary (`node bin/keygate.js`, which loads dist/) in a chosen folder,
 * compiling dist/ first when it is older than the review or CLI sources.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

function newest(dir: string): number {
  return readdirSync(dir).reduce((max, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(max, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }, 0);
}

/** Compiles src/ to dist/ when the review or CLI sources changed since the last build. */
export async function ensureBuilt(): Promise<void> {
  const entry = join(ROOT, 'dist/review/sources/salesforce/from-salesforce.js');
  const sources = Math.max(newest(join(ROOT, 'src/review')), newest(join(ROOT, 'src/cli')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources && statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs >= sources) return;
  // Type errors in another engineer's folder must not stop the emit; type checking is its own step.
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
  if (!existsSync(entry)) throw new Error('dist/ was not built');
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `keygate ARGS...` in `cwd`; never throws on a non-zero exit. */
export async function keygateIn(cwd: string, args: readonly string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/keygate.js'), ...args], { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
