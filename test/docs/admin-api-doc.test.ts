/**
 * docs/admin-api.md against the admin API's catalogues (STYLE.md rule 7): every problem code and
 * every OpenAPI operation is documented, and the page's error table names no unknown code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_API_PROBLEM_CODES } from '../../src/http/admin-api/admin-api-problems.js';
import { ADMIN_API_OPENAPI } from '../../src/http/admin-api/openapi.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/admin-api.md'), 'utf8');
const ERRORS = DOC.slice(DOC.indexOf('## Errors'));

describe('docs/admin-api.md', () => {
  it('lists every problem code in its error table, and no other', () => {
    const documented = [...ERRORS.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]!);
    expect([...documented].sort()).toEqual([...ADMIN_API_PROBLEM_CODES].sort());
  });

  it('documents every operation of the OpenAPI document', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(ADMIN_API_OPENAPI.paths)) {
      for (const method of Object.keys(item).filter((k) => k !== 'parameters')) {
        if (!DOC.includes(`\`${method.toUpperCase()} ${path}`)) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents no route the OpenAPI document lacks', () => {
    const operations = new Set(
      Object.entries(ADMIN_API_OPENAPI.paths).flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const named = [...DOC.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`?]*)`/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(named.filter((op) => !operations.has(op))).toEqual([]);
  });
});
