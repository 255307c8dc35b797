/**
 * Strict parsing of a JWS in compact serialization (RFC 7515 §7.1) before any key is
 * touched: three unpadded base64url segments in their one canonical spelling, a header and
 * payload that are JSON objects
 * without duplicate member names (RFC 8725 §3.1 asks for strict parsing; RFC 7515 §5.2
 * lets a verifier reject duplicates), and a bounded size.
 */

export interface CompactJws {
  /** `base64url(header) "." base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signature: Buffer;
}

/** Why a compact JWS could not be parsed; only ever logged, never sent. */
export type JwsParseFailure =
  | 'too_large'
  | 'not_three_segments'
  | 'bad_base64url'
  | 'header_not_json_object'
  | 'payload_not_json_object'
  | 'duplicate_member';

export class JwsParseError extends Error {
  constructor(readonly failure: JwsParseFailure) {
    super(`malformed JWS: ${failure}`);
    this.name = 'JwsParseError';
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether the last character's bits that carry no byte are zero (RFC 4648 §3.5). Decoders
 * ignore them, so without this check one segment has 4 or 16 spellings, and a token that is
 * told apart by its text (a replay key, a cache) could be presented again respelled.
 */
function hasCanonicalTail(segment: string): boolean {
  const spare = segment.length % 4 === 2 ? 0b1111 : segment.length % 4 === 3 ? 0b11 : 0;
  return spare === 0 || (ALPHABET.indexOf(segment[segment.length - 1]!) & spare) === 0;
}

function decodeSegment(segment: string): Buffer {
  // Length ≡ 1 (mod 4) cannot come from whole bytes.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1 || !hasCanonicalTail(segment)) throw new JwsParseError('bad_base64url');
  return Buffer.from(segment, 'base64url');
}

function parseObject(segment: string, failure: JwsParseFailure): Record<string, unknown> {
  const text = decodeSegment(segment).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwsParseError(failure);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsParseError(failure);
  if (hasDuplicateMember(text)) throw new JwsParseError('duplicate_member');
  return value as Record<string, unknown>;
}

/** Parses a compact JWS of at most `maxBytes` characters. Throws {@link JwsParseError}. */
export function parseCompactJws(token: string, maxBytes: number): CompactJws {
  if (token.length > maxBytes) throw new JwsParseError('too_large');
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) {
    throw new JwsParseError('not_three_segments');
  }
  const header = parseObject(token.slice(0, first), 'header_not_json_object');
  const payload = parseObject(token.slice(first + 1, second), 'payload_not_json_object');
  return { signingInput: token.slice(0, second), header, payload, signature: decodeSegment(token.slice(second + 1)) };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Whether valid JSON text has an object with two members of the same (decoded) name.
 * `JSON.parse` silently keeps the last one, which lets two parsers disagree on a claim.
 * A single pass over character codes; a name is decoded with `JSON.parse` only when it holds
 * an escape, since `"a"` and `"\u0061"` are the same name.
 */
export function hasDuplicateMember(json: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (let d = json.charCodeAt(j); d !== QUOTE; d = json.charCodeAt(j)) {
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else {
          j += 1;
        }
      }
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const name = escaped ? (JSON.parse(json.slice(i, j + 1)) as string) : json.slice(i + 1, j);
        if (keys.has(name)) return true;
        keys.add(name);
        expectKey = false;
      }
      i = j;
    } else if (c === OPEN_BRACE) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === OPEN_BRACKET) {
      stack.push(null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}
