/**
 * Every key of the configuration schema is documented in docs/configuration.md, and the
 * document names no key the schema lacks (STYLE.md rule 7).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ConfigFileSchema } from '../../src/config/schema.js';

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Dotted key paths of a schema; list items are written `[]`. */
function keyPaths(schema: z.ZodType, prefix: string): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      return keyPaths(def.innerType!, prefix);
    case 'array':
      return keyPaths(def.element!, `${prefix}[]`);
    case 'union':
      return [...new Set(def.options!.flatMap((o) => keyPaths(o, prefix)))];
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...keyPaths(value, path)];
      });
    default:
      return [];
  }
}

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
const schemaKeys = keyPaths(ConfigFileSchema, '');
/** Keys the document's tables name: the first cell of each row, in backticks. */
const documented = [...doc.matchAll(/^\|\s*`([a-zA-Z0-9[\].]+)`\s*\|/gm)].map((m) => m[1]!);

describe('docs/configuration.md', () => {
  it('documents every key of the configuration schema', () => {
    expect(schemaKeys.filter((k) => !documented.includes(k))).toEqual([]);
  });

  it('documents no key the schema lacks', () => {
    expect(documented.filter((k) => !schemaKeys.includes(k))).toEqual([]);
  });
});
