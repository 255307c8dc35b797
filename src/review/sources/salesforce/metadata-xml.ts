/**
 * Reading one metadata file: a one-pass scan checks that it is well-formed and records the
 * line of every opening tag (fast-xml-parser keeps no positions), fast-xml-parser builds the
 * element tree, and the root element and Metadata API namespace are checked, so that a
 * finding can point at the element it judged.
 */
import { XMLParser } from 'fast-xml-parser';
import { SalesforceMetadataError } from './salesforce-metadata-error.js';

/** The namespace every Metadata API file declares on its root. */
export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** A parsed element: text, or child elements by name (repeated ones as arrays). */
export type XmlNode = string | { readonly [name: string]: XmlNode | readonly XmlNode[] };

/** Elements that may repeat in the files the review reads; always parsed as arrays. */
const REPEATED = new Set(['userPermissions', 'scopes', 'profileName', 'permissionSetName', 'loginIpRanges', 'ipRanges', 'customAttributes']);

// Attributes and entities are left to this module: metadata files carry one attribute (the
// root's xmlns) and few entities, and skipping both halves the parser's time on 10,000 files.
const parser = new XMLParser({
  // scanXml refuses deeper nesting first, with the file and line (see MAX_ELEMENT_DEPTH).
  maxNestedTags: 100,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  isArray: (name) => REPEATED.has(name),
});

/** A file's root element and the lines its elements open on. */
export interface MetadataDocument {
  readonly path: string;
  readonly rootName: string;
  readonly root: { readonly [name: string]: XmlNode | readonly XmlNode[] };
  /** Line of the root element's opening tag. */
  readonly rootLine: number;
  readonly lines: ElementLines;
}

/** Lines of opening tags by element name, in document order. */
export class ElementLines {
  constructor(
    private readonly byName: ReadonlyMap<string, readonly number[]>,
    /** The root element's start tag, attributes included (`<Profile xmlns="...">`). */
    readonly rootTag = '',
  ) {}

  /** The line of the `index`-th `<name>` in the file (0 for the first). */
  of(name: string, index = 0): number | undefined {
    return this.byName.get(name)?.[index];
  }
}

/** Malformed XML found by {@link scanXml}, with the line it was found on. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/**
 * Deepest element nesting a metadata file may have. The files the review reads nest a few
 * levels; the limit keeps a hostile file from exhausting the parser, which refuses nesting
 * beyond 100 levels with an error that names no file.
 */
export const MAX_ELEMENT_DEPTH = 64;

const NAME = '[A-Za-z_][\\w.:-]*';
const START_TAG = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const BARE_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/**
 * One pass over a metadata file: checks that it is well-formed XML (XML 1.0 §2.1: one root
 * element, every start tag closed by a matching end tag, well-formed tags, comments, CDATA
 * sections and references; no DOCTYPE) and records the line of every opening tag. Throws
 * {@link XmlSyntaxError} naming the line of the first problem.
 */
export function scanXml(text: string): ElementLines {
  const byName = new Map<string, number[]>();
  const open: string[] = [];
  let rootTag = '';
  let rootClosed = false;
  let line = 1;
  let counted = 0;
  // Positions only move forward, so each character is counted once: a search for the next
  // newline would run to the end of a one-line (minified) file on every tag.
  const lineAt = (index: number): number => {
    for (; counted < index; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  const fail = (message: string, index: number): never => {
    throw new XmlSyntaxError(message, lineAt(index));
  };
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const lt = text.indexOf('<', pos);
    const chunk = text.slice(pos, lt === -1 ? text.length : lt);
    if (open.length === 0 ? chunk.trim() !== '' : BARE_AMPERSAND.test(chunk)) {
      fail(open.length === 0 ? 'text outside the root element' : 'a bare "&" (write &amp;) or an unknown entity', pos + chunk.search(open.length === 0 ? /\S/ : BARE_AMPERSAND));
    }
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) fail('a comment is never closed', lt);
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1 || open.length === 0) fail(end === -1 ? 'a CDATA section is never closed' : 'CDATA outside the root element', lt);
      pos = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) fail('a processing instruction is never closed', lt);
      pos = end + 2;
    } else if (text.startsWith('<!', lt)) {
      fail('DOCTYPE and other declarations are not allowed in metadata files', lt);
    } else if (text[lt + 1] === '/') {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(text) ?? fail('a malformed closing tag', lt);
      const expected = open.pop();
      if (expected !== m[1]) fail(expected === undefined ? `closing tag </${m[1]}> has no start tag` : `closing tag </${m[1]}> does not match <${expected}>`, lt);
      if (open.length === 0) rootClosed = true;
      pos = END_TAG.lastIndex;
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(text) ?? fail('a malformed start tag', lt);
      const name = m[1]!;
      if (rootClosed) fail(`<${name}> after the root element has closed`, lt);
      if (byName.size === 0) rootTag = m[0];
      const lines = byName.get(name);
      if (lines) lines.push(lineAt(lt));
      else byName.set(name, [lineAt(lt)]);
      if (m[3] !== '/') {
        if (open.length === MAX_ELEMENT_DEPTH) fail(`elements nest deeper than ${MAX_ELEMENT_DEPTH} levels`, lt);
        open.push(name);
      } else if (open.length === 0) rootClosed = true;
      pos = START_TAG.lastIndex;
    }
  }
  if (open.length > 0) fail(`<${open[open.length - 1]!}> is never closed`, text.length);
  if (byName.size === 0) fail('no root element', 0);
  return new ElementLines(byName, rootTag);
}

/** The line of every opening tag of well-formed XML (see {@link scanXml}). */
export function indexElementLines(text: string): ElementLines {
  return scanXml(text);
}

/**
 * Parses a metadata file and checks its root element and namespace. Throws
 * {@link SalesforceMetadataError} for malformed XML, a root element other than `roots`, or a
 * wrong (or, when required, missing) namespace.
 */
export function parseMetadataXml(
  path: string,
  text: string,
  expected: { readonly roots: readonly string[]; readonly namespaceRequired: boolean },
): MetadataDocument {
  let lines: ElementLines;
  try {
    lines = scanXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new SalesforceMetadataError(`malformed XML: ${err.message}`, path, err.line);
    throw err;
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    // The scan has already checked what the parser checks; this keeps any other refusal a
    // metadata error that names the file (exit 2), never an unexplained failure.
    throw new SalesforceMetadataError(`malformed XML: ${(err as Error).message.split('\n')[0]}`, path);
  }
  const rootNames = Object.keys(parsed);
  if (rootNames.length !== 1) throw new SalesforceMetadataError(`expected one root element, found ${rootNames.length}`, path);
  const rootName = rootNames[0]!;
  const rootLine = lines.of(rootName) ?? 1;
  if (!expected.roots.includes(rootName)) {
    throw new SalesforceMetadataError(
      `unexpected root element <${rootName}> for a file with this suffix; expected <${expected.roots.join('> or <')}>`,
      path,
      rootLine,
    );
  }
  const value = parsed[rootName];
  const root = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as MetadataDocument['root']) : {};
  const namespace = /\sxmlns\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(lines.rootTag)?.slice(1).find((v) => v !== undefined);
  if (namespace === undefined ? expected.namespaceRequired : namespace !== METADATA_NAMESPACE) {
    throw new SalesforceMetadataError(
      `the root element <${rootName}> must declare xmlns="${METADATA_NAMESPACE}"${typeof namespace === 'string' ? `, not "${namespace}"` : ''}`,
      path,
      rootLine,
    );
  }
  return { path, rootName, root, rootLine, lines };
}

/**
 * The child `name` of `parent`, refusing it when a single-valued element appears more than once:
 * which of two values Salesforce would keep is not for the review to guess, and reading the
 * first could pass a gate on a file that deploys the second. `line` overrides the line of the
 * second occurrence (for elements whose name recurs elsewhere in the file).
 */
export function singleChild(
  doc: Pick<MetadataDocument, 'path' | 'lines'>,
  parent: { readonly [name: string]: XmlNode | readonly XmlNode[] } | undefined,
  name: string,
  element = name,
  line?: number,
): XmlNode | readonly XmlNode[] | undefined {
  const value = parent?.[name];
  if (Array.isArray(value) && value.length > 1 && !REPEATED.has(name)) {
    throw new SalesforceMetadataError(`<${element}> appears more than once; it holds one value`, doc.path, line ?? doc.lines.of(name, 1));
  }
  return value;
}

/** The text of a child element, or undefined when it is absent. Empty elements read as ''. */
export function textOf(node: XmlNode | readonly XmlNode[] | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (Array.isArray(node)) return textOf(node[0] as XmlNode | undefined);
  if (typeof node === 'string') return decodeEntities(node);
  const text = (node as Record<string, unknown>)['#text'];
  return typeof text === 'string' ? decodeEntities(text) : '';
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's five named entities and character references (XML 1.0 §4.6, §4.1). */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return ENTITIES[named]!;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A child element as an object (attributes and children), or undefined. */
export function elementOf(node: XmlNode | readonly XmlNode[] | undefined): { readonly [name: string]: XmlNode | readonly XmlNode[] } | undefined {
  if (node === undefined) return undefined;
  if (Array.isArray(node)) return elementOf(node[0] as XmlNode | undefined);
  if (typeof node === 'string') return node === '' ? {} : undefined;
  return node as { readonly [name: string]: XmlNode | readonly XmlNode[] };
}

/** Every occurrence of a repeated child element. */
export function listOf(node: XmlNode | readonly XmlNode[] | undefined): readonly XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? (node as readonly XmlNode[]) : [node as XmlNode];
}
