/**
 * Profiles and permission sets as review principals: which admin-grade permissions each
 * grants, where, and the login IP ranges a profile enforces. A retrieved profile holds only
 * the parts related to the other retrieved components, so this picture is best effort.
 */
import { ELEVATED_PERMISSIONS } from '../../../domain/user.js';
import { unknownFact, type EvidenceLocation, type Principal } from '../../engine/snapshot.js';
import { elementOf, listOf, singleChild, textOf, type MetadataDocument } from './metadata-xml.js';
import type { PermissionDocuments } from './read-metadata.js';

/**
 * Permissions that make a Salesforce profile or permission set admin-grade: Keygate's own
 * list plus the Setup-level ones that let a holder change metadata, read the setup or hand
 * out permissions.
 */
export const SALESFORCE_ADMIN_PERMISSIONS: readonly string[] = [
  ...ELEVATED_PERMISSIONS,
  'ModifyMetadata',
  'ViewSetup',
  'ManageProfilesPermissionsets',
  'AssignPermissionSets',
];

/** Lets a user use any connected app, bypassing an app's admin-approved setting. */
export const USE_ANY_API_CLIENT = 'UseAnyApiClient';

const API_ONLY = 'ApiOnlyUser';

/** Display names of standard profiles and the API names their files carry. */
const STANDARD_PROFILE_FILES: Readonly<Record<string, string>> = {
  'system administrator': 'Admin',
  'standard user': 'Standard',
  'read only': 'ReadOnly',
  'solution manager': 'SolutionManager',
  'marketing user': 'MarketingProfile',
  'contract manager': 'ContractManager',
  'standard platform user': 'StandardAul',
  'minimum access - salesforce': 'Minimum Access - Salesforce',
};

/** A profile or permission set with the permissions it grants. */
export interface PermissionHolder {
  readonly kind: 'profile' | 'permissionSet';
  readonly name: string;
  readonly location: EvidenceLocation;
  /** Enabled user permissions and where each was granted. */
  readonly granted: ReadonlyMap<string, EvidenceLocation>;
  /** Login IP ranges (`start-end`) a profile restricts sign-in to. */
  readonly loginIpRanges: readonly string[];
  readonly label?: string;
}

/** Indexes retrieved profiles and permission sets for lookups by the names apps use. */
export class PermissionIndex {
  readonly holders: readonly PermissionHolder[];
  readonly #profiles = new Map<string, PermissionHolder>();
  readonly #permissionSets = new Map<string, PermissionHolder>();
  readonly #principals = new Map<PermissionHolder, Principal>();

  constructor(profiles: readonly PermissionDocuments[], permissionSets: readonly PermissionDocuments[]) {
    const holders = [...profiles, ...permissionSets].map(toHolder);
    this.holders = holders;
    for (const holder of holders) {
      const index = holder.kind === 'profile' ? this.#profiles : this.#permissionSets;
      index.set(holder.name.toLowerCase(), holder);
      if (holder.label && !index.has(holder.label.toLowerCase())) index.set(holder.label.toLowerCase(), holder);
    }
  }

  /** Whether any profile or permission set was retrieved. */
  get isEmpty(): boolean {
    return this.holders.length === 0;
  }

  /** A profile by its file name or display name (standard profiles have different ones). */
  profile(name: string): PermissionHolder | undefined {
    const key = name.trim().toLowerCase();
    return this.#profiles.get(key) ?? this.#profiles.get((STANDARD_PROFILE_FILES[key] ?? '').toLowerCase());
  }

  /** A permission set by its API name or label. */
  permissionSet(name: string): PermissionHolder | undefined {
    return this.#permissionSets.get(name.trim().toLowerCase());
  }

  /** The holder as a review principal (one object per holder). */
  principal(holder: PermissionHolder): Principal {
    let principal = this.#principals.get(holder);
    if (!principal) {
      const elevated = SALESFORCE_ADMIN_PERMISSIONS.filter((p) => holder.granted.has(p));
      const first = elevated[0];
      const what = `${holder.kind === 'profile' ? 'profile' : 'permission set'} ${holder.name}`;
      const apiOnly = holder.granted.has(API_ONLY);
      principal = {
        kind: holder.kind,
        name: holder.name,
        elevatedPermissions: elevated,
        // API Only User keeps its users out of the user interface, nothing more.
        interactiveSignIn: apiOnly ? false : unknownFact(`${what} does not grant ${API_ONLY}, and users are not part of the metadata`),
        hasPassword: unknownFact(
          `users are not part of the metadata, so whether the users of ${what} have passwords is unknown${
            apiOnly ? ` (${API_ONLY} blocks the user interface, not password authentication through the API)` : ''
          }`,
        ),
        location: first !== undefined ? holder.granted.get(first)! : holder.location,
      };
      this.#principals.set(holder, principal);
    }
    return principal;
  }

  /** Holders granting `permission`, as principals located at the grant. */
  granting(permission: string): Principal[] {
    return this.holders
      .filter((h) => h.granted.has(permission))
      .map((h) => ({ ...this.principal(h), location: h.granted.get(permission)! }));
  }
}

function toHolder(entry: PermissionDocuments): PermissionHolder {
  const granted = new Map<string, EvidenceLocation>();
  const ranges: string[] = [];
  let label: string | undefined;
  for (const doc of entry.documents) {
    label ??= textOf(doc.root['label'])?.trim() || undefined;
    collectPermissions(doc, granted);
    listOf(doc.root['loginIpRanges']).forEach((node) => {
      const range = elementOf(node);
      const start = textOf(range?.['startAddress'])?.trim();
      const end = textOf(range?.['endAddress'])?.trim();
      if (start && end) ranges.push(start === end ? start : `${start}-${end}`);
    });
  }
  const main = entry.documents[0]!;
  return {
    kind: entry.kind,
    name: entry.name,
    location: { file: main.path, line: main.rootLine, element: `<${main.rootName}>` },
    granted,
    loginIpRanges: ranges,
    ...(label !== undefined ? { label } : {}),
  };
}

/** Enabled `userPermissions` entries; a one-entry decomposed file holds `name` and `enabled` at its root. */
function collectPermissions(doc: MetadataDocument, granted: Map<string, EvidenceLocation>): void {
  const entries = listOf(doc.root['userPermissions']);
  entries.forEach((node, i) => {
    const entry = elementOf(node);
    const line = doc.lines.of('userPermissions', i);
    const name = textOf(singleChild(doc, entry, 'name', 'userPermissions/name', line))?.trim();
    if (name && isTrue(textOf(singleChild(doc, entry, 'enabled', 'userPermissions/enabled', line))) && !granted.has(name)) {
      granted.set(name, { file: doc.path, line: doc.lines.of('userPermissions', i) ?? doc.rootLine, element: `<userPermissions><name>${name}</name>` });
    }
  });
  if (entries.length === 0 && doc.rootName !== 'PermissionSet' && doc.rootName !== 'Profile') {
    const name = textOf(singleChild(doc, doc.root, 'name'))?.trim();
    if (name && isTrue(textOf(singleChild(doc, doc.root, 'enabled'))) && !granted.has(name)) {
      granted.set(name, { file: doc.path, line: doc.lines.of('name') ?? doc.rootLine, element: `<name>${name}</name>` });
    }
  }
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
