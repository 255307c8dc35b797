/**
 * Finding Salesforce source-format metadata files by suffix, wherever they sit under a folder
 * (a Salesforce DX project keeps them in `<package>/main/default/<folder>/`, but nothing
 * requires that). Types and suffixes follow the Salesforce CLI's type registry
 * (forcedotcom/source-deploy-retrieve `metadataRegistry.json`); see docs/salesforce-review.md.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { hasControlCharacter } from '../../report/printable.js';
import { checkedName, SalesforceMetadataError } from './salesforce-metadata-error.js';

/** The metadata types the review reads, by their Metadata API name. */
export type MetadataTypeName =
  | 'ExternalClientApplication'
  | 'ExtlClntAppGlobalOauthSettings'
  | 'ExtlClntAppOauthSettings'
  | 'ExtlClntAppOauthConfigurablePolicies'
  | 'ExtlClntAppConfigurablePolicies'
  | 'ExternalClientAppSettings'
  | 'OauthOidcSettings'
  | 'ConnectedApp'
  | 'Profile'
  | 'PermissionSet'
  /** One file of a decomposed permission set holding its user permissions. */
  | 'PermissionSetUserPermissions';

interface TypeSpec {
  readonly type: MetadataTypeName;
  /** The file name ends with this. */
  readonly ending: string;
  /** Root elements a file of this type may have. */
  readonly roots: readonly string[];
  /** Whether the root must declare the metadata namespace (decomposed children omit it). */
  readonly namespaceRequired: boolean;
}

const SPECS: readonly TypeSpec[] = [
  { type: 'ExternalClientApplication', ending: '.eca-meta.xml', roots: ['ExternalClientApplication'], namespaceRequired: true },
  { type: 'ExtlClntAppGlobalOauthSettings', ending: '.ecaGlblOauth-meta.xml', roots: ['ExtlClntAppGlobalOauthSettings'], namespaceRequired: true },
  { type: 'ExtlClntAppOauthSettings', ending: '.ecaOauth-meta.xml', roots: ['ExtlClntAppOauthSettings'], namespaceRequired: true },
  { type: 'ExtlClntAppOauthConfigurablePolicies', ending: '.ecaOauthPlcy-meta.xml', roots: ['ExtlClntAppOauthConfigurablePolicies'], namespaceRequired: true },
  { type: 'ExtlClntAppConfigurablePolicies', ending: '.ecaPlcy-meta.xml', roots: ['ExtlClntAppConfigurablePolicies'], namespaceRequired: true },
  { type: 'ExternalClientAppSettings', ending: 'ExternalClientApp.settings-meta.xml', roots: ['ExternalClientAppSettings'], namespaceRequired: true },
  { type: 'OauthOidcSettings', ending: 'OauthOidc.settings-meta.xml', roots: ['OauthOidcSettings'], namespaceRequired: true },
  { type: 'ConnectedApp', ending: '.connectedApp-meta.xml', roots: ['ConnectedApp'], namespaceRequired: true },
  { type: 'Profile', ending: '.profile-meta.xml', roots: ['Profile'], namespaceRequired: true },
  { type: 'PermissionSet', ending: '.permissionset-meta.xml', roots: ['PermissionSet'], namespaceRequired: true },
  // Decomposed permission sets (sourceBehaviorOptions decomposePermissionSetBeta/Beta2): the
  // children carry the parent's root without a namespace, or one entry per file.
  {
    type: 'PermissionSetUserPermissions',
    ending: '.userPermission-meta.xml',
    roots: ['PermissionSet', 'UserPermission', 'PermissionSetUserPermission'],
    namespaceRequired: false,
  },
];

/** A metadata file found under the reviewed folder. */
export interface MetadataFile {
  readonly type: MetadataTypeName;
  /** The path as the user would name it (the folder they gave, joined with the relative path). */
  readonly path: string;
  /** The component's API name: the file name without its suffix, URL-decoded. */
  readonly fullName: string;
  readonly roots: readonly string[];
  readonly namespaceRequired: boolean;
  /** For a decomposed permission set's child file, the permission set it belongs to. */
  readonly permissionSet?: string;
}

/** The file-system calls the search needs, so a test can make a folder unreadable. */
export interface MetadataFolderReader {
  readdir(path: string): Dirent[];
  /** What `path` is once symbolic links are followed; throws when it cannot be read. */
  kind(path: string): 'folder' | 'file' | 'other';
  /** `path` with every symbolic link resolved. */
  realpath(path: string): string;
}

export const NODE_FOLDER_READER: MetadataFolderReader = {
  readdir: (path) => readdirSync(path, { withFileTypes: true }),
  kind: (path) => {
    const stat = statSync(path);
    return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other';
  },
  realpath: (path) => realpathSync(path),
};

/** Folders no metadata lives in: version control, dependencies, tool caches. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.sf', '.sfdx', '.localdevserver', '.vscode', '.husky']);

/** The type a file name denotes, or null for a file of another type. */
function specOf(name: string): TypeSpec | null {
  for (const spec of SPECS) if (name.endsWith(spec.ending)) return spec;
  return null;
}

function fullNameOf(name: string, spec: TypeSpec): string {
  const stem = name.slice(0, name.length - spec.ending.length);
  try {
    return decodeURIComponent(stem);
  } catch {
    return stem;
  }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'unreadable';
}

/**
 * Every metadata file of a known type under `dir`, in a stable order. Symbolic links are
 * followed to files and folders inside `dir`; a link that leads out of it is refused, not
 * skipped: skipping could hide an app from a gate, and following would let a link in a pull
 * request point the review at any file or folder of the machine it runs on (a link to `/`
 * walks the whole file system). Each folder and file is read once, by the first path that
 * reaches it, so a link loop ends. Throws {@link SalesforceMetadataError} when `dir`, a folder
 * inside it or a link's target cannot be read, a link leads out of `dir`, or a metadata file
 * name is not a regular file.
 */
export function findMetadataFiles(dir: string, reader: MetadataFolderReader = NODE_FOLDER_READER): MetadataFile[] {
  let kind: ReturnType<MetadataFolderReader['kind']>;
  try {
    kind = reader.kind(dir);
  } catch (err) {
    throw new SalesforceMetadataError(`cannot read the folder (${codeOf(err)})`, dir);
  }
  if (kind !== 'folder') throw new SalesforceMetadataError('is not a folder; give the folder that holds the retrieved metadata (e.g. force-app)', dir);

  const found: MetadataFile[] = [];
  const seen = new Set<string>();
  let root: string | undefined;
  /** Whether `path` was reached before (by another link, or around a loop); marks it reached. */
  const reachedBefore = (path: string): boolean => {
    let real: string;
    try {
      real = reader.realpath(path);
    } catch (err) {
      throw new SalesforceMetadataError(`cannot resolve the path (${codeOf(err)})`, path);
    }
    root ??= real;
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new SalesforceMetadataError('is a symbolic link that leads out of the reviewed folder; review a folder that holds its target too', path);
    }
    if (seen.has(real)) return true;
    seen.add(real);
    return false;
  };
  const kindOf = (entry: Dirent, path: string): ReturnType<MetadataFolderReader['kind']> => {
    if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
    try {
      return reader.kind(path);
    } catch (err) {
      // A dangling link may have pointed at metadata: refusing beats reviewing without it.
      throw new SalesforceMetadataError(`is a symbolic link whose target cannot be read (${codeOf(err)})`, path);
    }
  };
  const walk = (folder: string, permissionSet: string | undefined): void => {
    if (reachedBefore(folder)) return;
    let entries: Dirent[];
    try {
      entries = reader.readdir(folder);
    } catch (err) {
      throw new SalesforceMetadataError(`cannot read the folder (${codeOf(err)})`, folder);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const names = new Set(entries.map((e) => e.name));
    // A decomposed permission set is a folder holding `<Name>.permissionset-meta.xml`; the
    // entries below it belong to that permission set.
    const here = names.has(`${basename(folder)}.permissionset-meta.xml`) ? basename(folder) : permissionSet;
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const kind = kindOf(entry, path);
      if (kind === 'folder') {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path, here ?? decomposedUnder(path));
        continue;
      }
      const spec = specOf(entry.name);
      if (!spec) continue;
      if (kind !== 'file') throw new SalesforceMetadataError('has a metadata suffix but is not a regular file', path);
      if (reachedBefore(path)) continue;
      // File and folder names become app and permission set names in reports.
      if (hasControlCharacter(relative(dir, path))) {
        throw new SalesforceMetadataError('the file or a folder above it has a control character in its name, which no Salesforce name may hold', path);
      }
      const fullName = checkedName(fullNameOf(entry.name, spec), 'the component name', path);
      const owner = spec.type === 'PermissionSetUserPermissions' ? (here ?? decomposedUnder(folder) ?? fullName) : undefined;
      found.push({
        type: spec.type,
        path,
        fullName,
        roots: spec.roots,
        namespaceRequired: spec.namespaceRequired,
        ...(owner !== undefined ? { permissionSet: owner } : {}),
      });
    }
  };
  walk(dir, undefined);
  return found;
}

/** `.../permissionsets/<Name>/...` names the permission set a decomposed file belongs to. */
function decomposedUnder(folder: string): string | undefined {
  let current = folder;
  for (;;) {
    const parent = dirname(current);
    if (parent === current) return undefined;
    if (basename(parent) === 'permissionsets') return basename(current);
    current = parent;
  }
}
