/**
 * One `keygate serve` per SQLite data directory. Changes made through one server reach the
 * processes of its own `serve` tree only, so a second server on the same database would go on
 * answering from a directory the first has changed under it. The lock is a file holding the
 * owner's pid, created exclusively; a file left by a process that no longer runs is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

const LOCK_FILE = 'serve.pid';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Takes the data directory's lock for this process, released when it exits; refuses if another server holds it. */
export function lockDataDirectory(dataDir: string): void {
  const file = join(dataDir, LOCK_FILE);
  if (!tryCreate(file)) {
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
      throw new CliError(`another keygate serve (pid ${owner}) uses the data directory ${dataDir}; if none runs, delete ${file}`, 2);
    }
    unlinkSync(file);
    if (!tryCreate(file)) throw new CliError(`another keygate serve took the data directory ${dataDir} at the same moment`, 2);
  }
  process.once('exit', () => {
    try {
      unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  });
}
