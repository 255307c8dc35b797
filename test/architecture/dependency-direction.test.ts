/**
 * The dependency direction of STYLE.md, checked on every import in src/:
 * platform ← domain ← {oauth, admin, review} ← {http, cli} ← main, with storage/ imported by
 * the composition root alone and the client library standing on its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Top-level folders each layer may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  platform: [],
  // The configuration file describes domain objects, and takes their limits from domain/.
  config: ['platform', 'domain'],
  domain: ['platform'],
  oauth: ['platform', 'domain'],
  // The application services orchestrate the review (run, keep, fix) for every surface.
  admin: ['platform', 'domain', 'config', 'review'],
  review: ['platform', 'domain', 'config'],
  // Storage implements ports declared by the code that uses them, wherever that code lives.
  storage: ['platform', 'domain', 'oauth', 'admin', 'review', 'http'],
  http: ['platform', 'domain', 'config', 'oauth', 'admin', 'review'],
  // The CLI is the process entry point; it reaches storage only through the composition root,
  // and reads the admin API's wire types (DTOs) from http/ to call it.
  cli: ['platform', 'domain', 'config', 'oauth', 'admin', 'review', 'client', 'http', 'main.ts'],
  'main.ts': ['platform', 'domain', 'config', 'oauth', 'admin', 'review', 'storage', 'http'],
  client: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const [top = ''] = relative(SRC, file).split('/');
  return top;
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;

describe('architecture: dependency direction', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(`${relative(SRC, file)}: top-level folder "${from}" has no declared layer`);
      continue;
    }
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = layerOf(resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts'));
      if (target !== from && !allowed.includes(target)) violations.push(`${relative(SRC, file)} imports ${target}/ (${match[1]})`);
    }
  }

  it('every import in src/ follows platform ← domain ← {oauth, admin, review} ← {http, cli} ← main', () => {
    expect(violations).toEqual([]);
  });
});
