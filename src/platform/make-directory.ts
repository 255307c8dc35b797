/**
 * `mkdir -p` that always ends. Node's `mkdirSync(path, { recursive: true })` never returns
 * where the kernel answers ENOENT to creating an entry under an existing directory, as under
 * /proc; creating each missing level in turn fails at once with the real error instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirectory(path: string, mode: number): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const level of missing) mkdirSync(level, { mode });
}
