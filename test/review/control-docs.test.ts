import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import { rangeLabel, renderControlDoc, renderControlIndex } from '../../src/review/report/control-docs.js';

const DOCS = join(import.meta.dirname, '../../docs/controls');
const INDEX = 'README.md';

// `UPDATE_DOCS=1 npx vitest run test/review/control-docs.test.ts` rewrites the pages.
if (process.env.UPDATE_DOCS === '1') {
  mkdirSync(DOCS, { recursive: true });
  for (const control of CONTROLS) writeFileSync(join(DOCS, `${control.id}.md`), renderControlDoc(control));
  writeFileSync(join(DOCS, INDEX), renderControlIndex(CONTROLS));
}

describe('docs/controls', () => {
  const pages = existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith('.md') && f !== INDEX) : [];

  it('documents every control of the catalogue', () => {
    const missing = CONTROLS.map((c) => `${c.id}.md`).filter((f) => !pages.includes(f));
    expect(missing).toEqual([]);
  });

  it('documents no control the code lacks', () => {
    const ids = new Set(CONTROLS.map((c) => c.id));
    expect(pages.filter((f) => !ids.has(f.slice(0, -3)))).toEqual([]);
    const index = readFileSync(join(DOCS, INDEX), 'utf8');
    const listed = [...index.matchAll(/\]\(([^)]+)\.md\)/g)].map((m) => m[1]);
    expect(listed).toEqual(CONTROLS.map((c) => c.id));
  });

  it('each page matches its control (regenerate with UPDATE_DOCS=1)', () => {
    for (const control of CONTROLS) {
      expect(readFileSync(join(DOCS, `${control.id}.md`), 'utf8'), control.id).toBe(renderControlDoc(control));
    }
    expect(readFileSync(join(DOCS, INDEX), 'utf8')).toBe(renderControlIndex(CONTROLS));
  });
});

describe('CVSS range labels', () => {
  it('a range spanning two bands is labelled with both (IP relaxation: Medium–High 6.0–8.5), never with the category alone', () => {
    const ip = CONTROLS.find((c) => c.id === 'eca.policy.ip-relaxation-enforced')!;
    expect(ip.metadata.cvss.category).toBe('high');
    const page = renderControlDoc(ip);
    expect(page).toContain('| Risk category | High ');
    expect(page).toContain('| Estimated CVSS range | Medium–High (6.0–8.5): ');
    expect(page).toContain('escape `--fail-on high`');
    expect(renderControlIndex(CONTROLS)).toContain('| High | Medium–High 6.0–8.5 |');
    expect([rangeLabel([7.0, 8.9]), rangeLabel([9.0, 10.0]), rangeLabel([4.0, 6.9])]).toEqual(['High', 'Critical', 'Medium']);
  });
});

describe('control metadata', () => {
  it('ids are unique and namespaced', () => {
    const ids = CONTROLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(eca|org|traffic)\.[a-z0-9-]+(\.[a-z0-9-]+)*$/);
    expect(ids).toContain('eca.oauth-flow.jwt-bearer-enabled');
  });

  it("carries every one of the seed's fields, filled in", () => {
    for (const { id, metadata: m } of CONTROLS) {
      for (const text of [m.name, m.recommendedConfiguration, m.overview, m.riskIfNotConfigured, m.threatScenarios, m.riskImpactConsiderations, m.businessConsiderations, m.guidance]) {
        expect(text.trim().length, id).toBeGreaterThan(20);
      }
      expect(m.remediation.length, id).toBeGreaterThan(0);
      expect(m.references.length, id).toBeGreaterThan(0);
      for (const r of m.references) expect(r.url, id).toMatch(/^https:\/\//);
      expect(m.higherRiskWhen.length + m.lowRiskWhen.length, id).toBeGreaterThan(0);
      for (const c of m.higherRiskWhen) expect(c.kind, `${id} ${c.id}`).toBe('higher');
      for (const c of m.lowRiskWhen) expect(c.kind, `${id} ${c.id}`).toBe('lower');
    }
  });

  const seedFile = join(import.meta.dirname, '../../../shared/reference/seed-control.txt');
  it.skipIf(!existsSync(seedFile))("does not copy the seed control's sentences", () => {
    const words = (t: string): string[] => t.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean);
    // The control's name is a proper name and may match; everything else must not.
    const ours = CONTROLS.map((c) => words(JSON.stringify({ ...c.metadata, name: '' })).join(' ')).join(' | ');
    // Any run of eight consecutive words from the seed text counts as copying.
    const seed = words(readFileSync(seedFile, 'utf8'));
    const copied: string[] = [];
    for (let i = 0; i + 8 <= seed.length; i++) {
      const run = seed.slice(i, i + 8).join(' ');
      if (ours.includes(run)) copied.push(run);
    }
    expect(copied).toEqual([]);
  });
});
