/**
 * Reading single facts out of a metadata document: each value comes with the location of the
 * element it was read from, and an absent or unreadable element becomes an
 * {@link UnknownFact} naming the file and element, never a default.
 */
import { unknownFact, type EvidenceLocation, type Maybe, type UnknownFact } from '../../engine/snapshot.js';
import { elementOf, singleChild, textOf, type MetadataDocument, type XmlNode } from './metadata-xml.js';
import { checkedName } from './salesforce-metadata-error.js';

type XmlElement = { readonly [name: string]: XmlNode | readonly XmlNode[] };

/** The elements of one document, or of one element inside it (e.g. a Connected App's `oauthConfig`). */
export class MetadataFields {
  constructor(
    readonly doc: MetadataDocument,
    private readonly node: XmlElement = doc.root,
    /** The path of `node` for element names in evidence, e.g. `oauthConfig/`. */
    private readonly prefix = '',
  ) {}

  get path(): string {
    return this.doc.path;
  }

  /** The child element `name`, or undefined when absent. */
  child(name: string): MetadataFields | undefined {
    const node = elementOf(this.single(name));
    return node === undefined ? undefined : new MetadataFields(this.doc, node, `${this.prefix}${name}/`);
  }

  has(name: string): boolean {
    return this.node[name] !== undefined;
  }

  /** The trimmed text of `name`; undefined when the element is absent. */
  text(name: string): string | undefined {
    return textOf(this.single(name))?.trim();
  }

  /** The child `name`; refused when a single-valued element is given twice. */
  private single(name: string): XmlNode | readonly XmlNode[] | undefined {
    return singleChild(this.doc, this.node, name, `${this.prefix}${name}`);
  }

  /**
   * The trimmed text of an element that holds a name (a user, profile or permission set);
   * undefined when absent. Throws `SalesforceMetadataError` when it holds a control character.
   */
  name(element: string): string | undefined {
    const text = this.text(element);
    return text === undefined ? undefined : checkedName(text, `<${this.prefix}${element}>`, this.doc.path, this.doc.lines.of(element));
  }

  /** Where `name` sits (its first occurrence), naming the element; the value is added only when given. */
  at(name: string, value?: string): EvidenceLocation {
    const line = this.doc.lines.of(name);
    const element = `<${this.prefix}${name}>${value !== undefined ? `${value}</${name}>` : ''}`;
    return line === undefined ? { file: this.doc.path, line: this.doc.rootLine, element: `${element} (absent)` } : { file: this.doc.path, line, element };
  }

  /** The root element's location. */
  get root(): EvidenceLocation {
    return { file: this.doc.path, line: this.doc.rootLine, element: `<${this.doc.rootName}>` };
  }

  /** The reason for an absent element. */
  absent(name: string, why = 'files retrieved with older API versions leave newer elements out'): UnknownFact {
    return unknownFact(`${this.doc.path} has no <${this.prefix}${name}> element (${why})`);
  }

  /** A boolean element: `true` or `false`, otherwise unknown with the reason. */
  bool(name: string): Maybe<boolean> {
    const text = this.text(name);
    if (text === undefined) return this.absent(name);
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    return unknownFact(`<${this.prefix}${name}> in ${this.doc.path} holds "${text.slice(0, 40)}", not true or false`);
  }
}

/** A whole number of minutes, or unknown. */
export function parseMinutes(fields: MetadataFields, name: string): Maybe<number> {
  const text = fields.text(name);
  if (text === undefined) return fields.absent(name);
  if (!/^\d{1,9}$/.test(text)) return unknownFact(`<${name}> in ${fields.path} holds "${text.slice(0, 40)}", not a number of minutes`);
  return Number(text);
}

/** Splits a comma-separated list, dropping empty entries. */
export function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
