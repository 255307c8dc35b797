/**
 * Reading one metadata file: well-formed XML (fast-xml-parser), the expected root element and
 * the Metadata API namespace, and the line of every opening tag, so that a finding can point
 * at the element it judged (fast-xml-parser keeps no positions, so a light scan of the text
 * records them in document order).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SalesforceMetadataError } from './salesforce-metadata-error.js';

/** The namespace every Metadata API file declares on its root. */
export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** A parsed element: text, or child elements by name (repeated ones as arrays). */
export type XmlNode = string | { readonly [name: string]: XmlNode | readonly XmlNode[] };

/** Elements that may repeat in the files the review reads; always parsed as arrays. */
const REPEATED = new Set(['userPermissions', 'scopes', 'profileName', 'permissionSetName', 'loginIpRanges', 'ipRanges', 'customAttributes']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
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
  constructor(private readonly byName: ReadonlyMap<string, readonly number[]>) {}

  /** The line of the `index`-th `<name>` in the file (0 for the first). */
  of(name: string, index = 0): number | undefined {
    return this.byName.get(name)?.[index];
  }
}

const TAG = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<([A-Za-z_][\w.:-]*)/g;

/** Records the line of each opening tag. */
export function indexElementLines(text: string): ElementLines {
  const byName = new Map<string, number[]>();
  let line = 1;
  let from = 0;
  for (const match of text.matchAll(TAG)) {
    const name = match[1];
    if (name === undefined) continue;
    for (let i = text.indexOf('\n', from); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
    from = match.index;
    const list = byName.get(name);
    if (list) list.push(line);
    else byName.set(name, [line]);
  }
  return new ElementLines(byName);
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
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new SalesforceMetadataError(`malformed XML: ${valid.err.msg}`, path, valid.err.line);
  }
  const parsed = parser.parse(text) as Record<string, unknown>;
  const rootNames = Object.keys(parsed);
  if (rootNames.length !== 1) throw new SalesforceMetadataError(`expected one root element, found ${rootNames.length}`, path);
  const rootName = rootNames[0]!;
  const lines = indexElementLines(text);
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
  const namespace = root['@_xmlns'];
  if (namespace === undefined ? expected.namespaceRequired : namespace !== METADATA_NAMESPACE) {
    throw new SalesforceMetadataError(
      `the root element <${rootName}> must declare xmlns="${METADATA_NAMESPACE}"${typeof namespace === 'string' ? `, not "${namespace}"` : ''}`,
      path,
      rootLine,
    );
  }
  return { path, rootName, root, rootLine, lines };
}

/** The text of a child element, or undefined when it is absent. Empty elements read as ''. */
export function textOf(node: XmlNode | readonly XmlNode[] | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (Array.isArray(node)) return textOf(node[0] as XmlNode | undefined);
  if (typeof node === 'string') return node;
  const text = (node as Record<string, unknown>)['#text'];
  return typeof text === 'string' ? text : '';
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
