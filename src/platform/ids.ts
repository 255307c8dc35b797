import { randomBytes, randomUUID } from 'node:crypto';

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

/**
 * A login-history row id: a UUIDv7 (RFC 9562 §5.7), random but ordered by time, so that the
 * history's unique index takes each new row at its right edge instead of at a random page.
 * Built on Node's pooled `randomUUID`: its first 48 bits become the Unix time in milliseconds
 * and its version nibble a 7; the variant and the other 74 random bits stay as they are.
 */
export function newEventId(): string {
  const random = randomUUID();
  const ms = Date.now().toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(15)}`;
}
