/**
 * A strict parser for the sliver of SOQL that Salesforce clients send to record an org:
 *
 *     SELECT field [, field]* FROM object [WHERE field = 'literal'] [LIMIT n]
 *
 * Keywords are case-insensitive, as in SOQL. Anything outside this grammar (other operators,
 * AND/OR, ORDER BY, sub-queries, functions, bind variables) is `MALFORMED_QUERY`; which
 * objects and fields exist is decided by the caller, not here.
 */
import { RestApiError } from './rest-api-error.js';

export interface SoqlQuery {
  /** Field names as written (SOQL names are case-insensitive). */
  readonly fields: readonly string[];
  readonly object: string;
  readonly where?: { readonly field: string; readonly value: string };
  readonly limit?: number;
}

/** Longer queries are refused before tokenizing; the ones clients send are a few hundred bytes. */
export const MAX_QUERY_LENGTH = 4096;

type Token =
  | { readonly kind: 'name'; readonly text: string; readonly column: number }
  | { readonly kind: 'string'; readonly text: string; readonly column: number }
  | { readonly kind: 'integer'; readonly text: string; readonly column: number }
  | { readonly kind: 'comma' | 'equals'; readonly text: string; readonly column: number };

/** SOQL's string-literal escapes (SOQL and SOSL Reference, "Quoted String Escape Sequences"). */
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function malformed(message: string): RestApiError {
  return new RestApiError('MALFORMED_QUERY', message);
}

/** Quotes a piece of the query for an error message, bounded so a message stays short. */
function shown(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}...` : text}'`;
}

function readString(q: string, start: number): { text: string; end: number } {
  let text = '';
  for (let i = start + 1; i < q.length; i += 1) {
    const c = q[i]!;
    if (c === "'") return { text, end: i + 1 };
    if (c === '\\') {
      const escaped = ESCAPES[q[i + 1] ?? ''];
      if (escaped === undefined) throw malformed(`invalid escape sequence in string literal at column ${i + 1}`);
      text += escaped;
      i += 1;
    } else {
      text += c;
    }
  }
  throw malformed(`unterminated string literal at column ${start + 1}`);
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    const column = i + 1;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c, column });
      i += 1;
    } else if (c === '=') {
      tokens.push({ kind: 'equals', text: c, column });
      i += 1;
    } else if (c === "'") {
      const { text, end } = readString(q, i);
      tokens.push({ kind: 'string', text, column });
      i = end;
    } else {
      // Dotted names (relationship paths such as Profile.Name) tokenize, so that they fail
      // later as an unknown field rather than as a syntax error, as they do in Salesforce.
      const word = /^(?:[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*|\d{1,9}(?![A-Za-z0-9_.]))/.exec(q.slice(i));
      if (!word) throw malformed(`unexpected token: ${shown(q.slice(i).split(/\s/)[0]!)} at column ${column}`);
      tokens.push({ kind: /^\d/.test(word[0]) ? 'integer' : 'name', text: word[0], column });
      i += word[0].length;
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['select', 'from', 'where', 'limit', 'and', 'or', 'not', 'order', 'group', 'by', 'having', 'offset', 'like', 'in']);

class TokenStream {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peekKeyword(keyword: string): boolean {
    const t = this.tokens[this.index];
    return t?.kind === 'name' && t.text.toLowerCase() === keyword;
  }

  keyword(keyword: string): void {
    if (!this.peekKeyword(keyword)) throw this.unexpected(`expecting ${keyword.toUpperCase()}`);
    this.index += 1;
  }

  name(what: string): string {
    const t = this.tokens[this.index];
    if (t?.kind !== 'name' || KEYWORDS.has(t.text.toLowerCase())) throw this.unexpected(`expecting ${what}`);
    this.index += 1;
    return t.text;
  }

  take(kind: Token['kind'], what: string): Token {
    const t = this.tokens[this.index];
    if (t?.kind !== kind) throw this.unexpected(`expecting ${what}`);
    this.index += 1;
    return t;
  }

  accept(kind: Token['kind']): boolean {
    if (this.tokens[this.index]?.kind !== kind) return false;
    this.index += 1;
    return true;
  }

  end(): void {
    if (this.index < this.tokens.length) throw this.unexpected('expecting the end of the query');
  }

  private unexpected(expectation: string): RestApiError {
    const t = this.tokens[this.index];
    if (!t) return malformed(`unexpected end of query, ${expectation}`);
    return malformed(`unexpected token: ${shown(t.text)} at column ${t.column}, ${expectation}`);
  }
}

/** Parses `q` or throws a `MALFORMED_QUERY` {@link RestApiError} naming the offending token. */
export function parseSoqlQuery(q: string): SoqlQuery {
  if (q.trim() === '') throw malformed('A query string has to be specified');
  if (q.length > MAX_QUERY_LENGTH) throw malformed(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const tokens = new TokenStream(tokenize(q));

  tokens.keyword('select');
  const fields = [tokens.name('a field name')];
  while (tokens.accept('comma')) fields.push(tokens.name('a field name'));
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.toLowerCase())) throw malformed(`duplicate field selected: ${field}`);
    seen.add(field.toLowerCase());
  }

  tokens.keyword('from');
  const object = tokens.name('an object name');

  let where: SoqlQuery['where'];
  if (tokens.peekKeyword('where')) {
    tokens.keyword('where');
    const field = tokens.name('a field name');
    tokens.take('equals', '=');
    where = { field, value: tokens.take('string', 'a quoted string').text };
  }

  let limit: number | undefined;
  if (tokens.peekKeyword('limit')) {
    tokens.keyword('limit');
    limit = Number(tokens.take('integer', 'an integer').text);
  }
  tokens.end();
  return { fields, object, ...(where && { where }), ...(limit !== undefined && { limit }) };
}
