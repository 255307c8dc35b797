/**
 * The Salesforce metadata fixtures of test/fixtures/salesforce, copied to a temporary folder
 * with a freshly generated certificate in place of `__GENERATED_CERTIFICATE__` (STYLE.md
 * rule 11: certificates are made by code, never pasted in).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPairWithCertificate } from '../../../src/platform/keygen.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/salesforce');

/** The instant the fixtures are reviewed at (the generated certificate is valid then). */
export const REVIEWED_AT = new Date();

export interface MaterializedFixture {
  /** The temporary copy's root (the DX project folder for `acme`). */
  readonly root: string;
  /** The generated certificate, as written into the files. */
  readonly certificatePem: string;
}

let certificate: Promise<string> | undefined;

/** One certificate per test file run, valid for a year from yesterday. */
export function generatedCertificate(): Promise<string> {
  certificate ??= generateKeyPairWithCertificate({ alg: 'RS256', subject: 'erp-sync.acme.example', days: 365, notBefore: new Date(Date.now() - 86_400_000) }).then(
    (k) => k.certificatePem,
  );
  return certificate;
}

/** Copies `test/fixtures/salesforce/<name>` to a temporary folder and fills in the certificate. */
export async function materializeFixture(name: string): Promise<MaterializedFixture> {
  const root = join(mkdtempSync(join(tmpdir(), `keygate-sf-${name}-`)), name);
  cpSync(join(FIXTURES, name), root, { recursive: true });
  const certificatePem = await generatedCertificate();
  for (const file of filesUnder(root)) {
    const text = readFileSync(file, 'utf8');
    if (text.includes('__GENERATED_CERTIFICATE__')) writeFileSync(file, text.replace('__GENERATED_CERTIFICATE__', certificatePem.trim()));
  }
  return { root, certificatePem };
}

/** Every file under a folder. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The 1-based line of the first line of `file` containing `needle`. */
export function lineOf(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}
