/** docs/errors.md lists exactly the error codes Keygate can send (STYLE.md rule 7). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERROR_CODES } from '../../src/admin/admin-errors.js';
import { OAUTH_ERROR_CODES, SALESFORCE_DESCRIPTIONS } from '../../src/oauth/errors/oauth-error.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');
const section = (title: string) => doc.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
const codesIn = (text: string) => [...text.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*\d{3}\s*\|/gm)].map((m) => m[1]!);

describe('docs/errors.md', () => {
  it('documents every OAuth error code and no other', () => {
    expect(new Set(codesIn(section('OAuth errors')))).toEqual(new Set(OAUTH_ERROR_CODES));
  });

  it('documents every admin API problem code and no other', () => {
    expect(new Set(codesIn(section('Admin API problems')))).toEqual(new Set(ADMIN_ERROR_CODES));
  });

  it('quotes every Salesforce-compatible description exactly', () => {
    for (const description of Object.values(SALESFORCE_DESCRIPTIONS)) expect(doc).toContain(`\`${description}\``);
  });
});
