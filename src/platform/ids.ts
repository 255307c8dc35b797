import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Salesforce's three-character key prefixes, so that ids look familiar to its clients. */
export type IdPrefix = '00D' | '005' | '0xI' | '0cK' | '0Lh' | '0Ya';

/** An 18-character id: a key prefix and 15 random base62 characters. */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(15);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}
