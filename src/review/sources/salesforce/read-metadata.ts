/**
 * Reads a folder of Salesforce source-format metadata into parsed documents grouped by what
 * they describe: External Client Apps with their child files (joined on the required
 * `externalClientApplication` element, never on file names), Connected Apps, the org's
 * settings, and profiles and permission sets (decomposed ones merged).
 */
import { readFileSync, statSync } from 'node:fs';
import { findMetadataFiles, type MetadataFile, type MetadataFolderReader, type MetadataTypeName } from './metadata-files.js';
import { parseMetadataXml, singleChild, textOf, type MetadataDocument } from './metadata-xml.js';
import { checkedName, SalesforceMetadataError } from './salesforce-metadata-error.js';

/** The child files an External Client App may have, by the type that holds them. */
export type EcaChildType =
  | 'ExtlClntAppGlobalOauthSettings'
  | 'ExtlClntAppOauthSettings'
  | 'ExtlClntAppOauthConfigurablePolicies'
  | 'ExtlClntAppConfigurablePolicies';

/** One External Client App: its header file (when retrieved) and its child files. */
export interface EcaBundle {
  /** The app's API name, as its children name it. */
  readonly name: string;
  readonly header?: MetadataDocument;
  readonly children: Partial<Record<EcaChildType, MetadataDocument>>;
}

/** A profile or permission set; a decomposed permission set has several documents. */
export interface PermissionDocuments {
  readonly kind: 'profile' | 'permissionSet';
  readonly name: string;
  /** The main file first, when there is one. */
  readonly documents: readonly MetadataDocument[];
}

/** Everything the review read from the folder. */
export interface SalesforceMetadata {
  readonly dir: string;
  readonly externalClientApps: readonly EcaBundle[];
  readonly connectedApps: readonly { readonly name: string; readonly document: MetadataDocument }[];
  readonly externalClientAppSettings?: MetadataDocument;
  readonly oauthOidcSettings?: MetadataDocument;
  readonly profiles: readonly PermissionDocuments[];
  readonly permissionSets: readonly PermissionDocuments[];
  /** How many files were read. */
  readonly fileCount: number;
}

/** How the reader gets at files: the folder search and the file reads, replaceable in tests. */
export interface MetadataReaderOptions {
  readonly folders?: MetadataFolderReader;
  readonly readFile?: (path: string) => string;
}

/**
 * The largest metadata file the review reads, in bytes. The types it reads are small (a large
 * org's biggest profile is a few megabytes); a bigger file is refused, not read into memory.
 */
export const MAX_METADATA_FILE_BYTES = 64 * 1024 * 1024;

function tooLarge(path: string): SalesforceMetadataError {
  return new SalesforceMetadataError(`is larger than ${MAX_METADATA_FILE_BYTES / (1024 * 1024)} MiB, far beyond any metadata file of a type this review reads`, path);
}

/** Reads a file, checking its size before reading it. */
function readMetadataFile(path: string): string {
  if (statSync(path).size > MAX_METADATA_FILE_BYTES) throw tooLarge(path);
  return readFileSync(path, 'utf8');
}

/** Reads and validates every metadata file of a known type under `dir`. Throws {@link SalesforceMetadataError}. */
export function readSalesforceMetadata(dir: string, options: MetadataReaderOptions = {}): SalesforceMetadata {
  const files = findMetadataFiles(dir, options.folders);
  // A mistyped path must not pass a review gate with nothing reviewed.
  if (files.length === 0) {
    throw new SalesforceMetadataError('holds no metadata file this review reads (*-meta.xml); give the folder that holds the retrieved metadata (e.g. force-app)', dir);
  }
  const read = options.readFile ?? readMetadataFile;
  const parse = (file: MetadataFile): MetadataDocument => {
    let text: string;
    try {
      text = read(file.path);
    } catch (err) {
      if (err instanceof SalesforceMetadataError) throw err;
      throw new SalesforceMetadataError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, file.path);
    }
    // The same bound for a reader that did not check the size (a file's UTF-16 length is at most its UTF-8 byte count).
    if (text.length > MAX_METADATA_FILE_BYTES) throw tooLarge(file.path);
    return parseMetadataXml(file.path, text, file);
  };

  const headers = new Map<string, MetadataDocument>();
  const children = new Map<string, Partial<Record<EcaChildType, MetadataDocument>>>();
  const connectedApps: { name: string; document: MetadataDocument }[] = [];
  const singletons: Partial<Record<MetadataTypeName, MetadataDocument>> = {};
  const profiles = new Map<string, MetadataDocument[]>();
  const permissionSets = new Map<string, MetadataDocument[]>();

  for (const file of files) {
    const doc = parse(file);
    switch (file.type) {
      case 'ExternalClientApplication': {
        const other = headers.get(file.fullName);
        if (other) throw duplicate(`External Client App ${file.fullName}`, other, doc);
        headers.set(file.fullName, doc);
        break;
      }
      case 'ExtlClntAppGlobalOauthSettings':
      case 'ExtlClntAppOauthSettings':
      case 'ExtlClntAppOauthConfigurablePolicies':
      case 'ExtlClntAppConfigurablePolicies': {
        const app = textOf(singleChild(doc, doc.root, 'externalClientApplication'))?.trim();
        if (!app) {
          throw new SalesforceMetadataError(`lacks the required <externalClientApplication> element naming its External Client App`, doc.path, doc.rootLine);
        }
        checkedName(app, '<externalClientApplication>', doc.path, doc.lines.of('externalClientApplication'));
        const set = children.get(app) ?? {};
        const other = set[file.type];
        if (other) throw duplicate(`${file.type} of External Client App ${app}`, other, doc);
        set[file.type] = doc;
        children.set(app, set);
        break;
      }
      case 'ConnectedApp':
        connectedApps.push({ name: file.fullName, document: doc });
        break;
      case 'ExternalClientAppSettings':
      case 'OauthOidcSettings': {
        const other = singletons[file.type];
        if (other) throw duplicate(`the org's ${file.type}`, other, doc);
        singletons[file.type] = doc;
        break;
      }
      case 'Profile':
        add(profiles, file.fullName, doc);
        break;
      case 'PermissionSet':
        // The main file goes first so that its location names the permission set.
        permissionSets.set(file.fullName, [doc, ...(permissionSets.get(file.fullName) ?? [])]);
        break;
      case 'PermissionSetUserPermissions':
        add(permissionSets, file.permissionSet ?? file.fullName, doc);
        break;
    }
  }

  const names = [...new Set([...headers.keys(), ...children.keys()])].sort();
  const externalClientApps = names.map((name): EcaBundle => {
    const header = headers.get(name);
    return { name, ...(header ? { header } : {}), children: children.get(name) ?? {} };
  });
  return {
    dir,
    externalClientApps,
    connectedApps,
    ...(singletons.ExternalClientAppSettings ? { externalClientAppSettings: singletons.ExternalClientAppSettings } : {}),
    ...(singletons.OauthOidcSettings ? { oauthOidcSettings: singletons.OauthOidcSettings } : {}),
    profiles: [...profiles].map(([name, documents]) => ({ kind: 'profile' as const, name, documents })),
    permissionSets: [...permissionSets].map(([name, documents]) => ({ kind: 'permissionSet' as const, name, documents })),
    fileCount: files.length,
  };
}

function add(map: Map<string, MetadataDocument[]>, key: string, doc: MetadataDocument): void {
  const list = map.get(key);
  if (list) list.push(doc);
  else map.set(key, [doc]);
}

function duplicate(what: string, first: MetadataDocument, second: MetadataDocument): SalesforceMetadataError {
  return new SalesforceMetadataError(`describes ${what} again (first in ${first.path}); keep one copy of each component`, second.path, second.rootLine);
}
