/**
 * The REST API's query resource (`GET /services/data/vNN.N/query?q=...`) over the two sObjects
 * Salesforce clients read to record an org: `Organization` (what `@salesforce/core`'s
 * `determineOrg` selects: Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix,
 * OrganizationType) and `User` (the fields its `User` helper selects by Username).
 *
 * Keygate keeps no locale or naming data, so those User fields carry Salesforce's defaults.
 * A token sees its own user only: a query for any other user finds no record, so that an
 * `api` token cannot list the org's users.
 */
import { createHash } from 'node:crypto';
import type { Org } from '../../../domain/org.js';
import type { User } from '../../../domain/user.js';
import { RestApiError } from './rest-api-error.js';
import type { SoqlQuery } from './soql-query.js';

type FieldValue = string | boolean | null;

interface SObjectType<T> {
  /** Canonical field names, keyed by lower case (SOQL names are case-insensitive). */
  readonly fields: ReadonlyMap<string, { readonly name: string; readonly read: (row: T) => FieldValue }>;
  /** Fields a WHERE clause may compare for equality. */
  readonly filterable: ReadonlySet<string>;
}

function sObjectType<T>(fields: Record<string, (row: T) => FieldValue>, filterable: string[]): SObjectType<T> {
  return {
    fields: new Map(Object.entries(fields).map(([name, read]) => [name.toLowerCase(), { name, read }])),
    filterable: new Set(filterable.map((f) => f.toLowerCase())),
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A stable 18-character Profile id (key prefix `00e`): Keygate names profiles, Salesforce numbers them. */
function profileId(profile: string): string {
  const digest = createHash('sha256').update(`profile:${profile}`).digest();
  let id = '00e';
  for (let i = 0; i < 15; i += 1) id += ALPHABET[digest[i]! % 62];
  return id;
}

function localPart(username: string): string {
  return username.split('@')[0] || username;
}

const ORGANIZATION = sObjectType<Org>(
  {
    Id: (org) => org.id,
    Name: (org) => org.name,
    InstanceName: () => null,
    IsSandbox: () => false,
    TrialExpirationDate: () => null,
    NamespacePrefix: () => null,
    OrganizationType: () => 'Keygate',
  },
  ['Id'],
);

const USER = sObjectType<User>(
  {
    Id: (u) => u.id,
    Username: (u) => u.username,
    Name: (u) => localPart(u.username),
    FirstName: () => null,
    LastName: (u) => localPart(u.username),
    Alias: (u) => localPart(u.username).slice(0, 8),
    Email: (u) => u.email,
    IsActive: (u) => u.active,
    ProfileId: (u) => profileId(u.profile),
    TimeZoneSidKey: () => 'GMT',
    LocaleSidKey: () => 'en_US',
    EmailEncodingKey: () => 'UTF-8',
    LanguageLocaleKey: () => 'en_US',
  },
  ['Id', 'Username'],
);

/** What the query can see on behalf of one bearer token. */
export interface QueryScope {
  readonly org: Org;
  readonly user: User;
}

export interface QueryResult {
  readonly totalSize: number;
  readonly done: true;
  readonly records: readonly Record<string, unknown>[];
}

/** SOQL compares Ids by their 15-character case-sensitive form, and strings case-insensitively. */
function matches(field: string, value: string, actual: FieldValue): boolean {
  if (typeof actual !== 'string') return false;
  if (field === 'id') return (value.length === 15 || value.length === 18) && actual.slice(0, 15) === value.slice(0, 15);
  return actual.toLowerCase() === value.toLowerCase();
}

function select<T>(type: SObjectType<T>, typeName: string, rows: readonly T[], query: SoqlQuery, version: string): QueryResult {
  const fields = query.fields.map((written) => {
    const field = type.fields.get(written.toLowerCase());
    if (!field) throw new RestApiError('INVALID_FIELD', `No such column '${written.slice(0, 80)}' on entity '${typeName}'`);
    return field;
  });
  let selected = [...rows];
  if (query.where) {
    const key = query.where.field.toLowerCase();
    const field = type.fields.get(key);
    if (!field || !type.filterable.has(key)) {
      throw new RestApiError('INVALID_FIELD', `field '${query.where.field.slice(0, 80)}' can not be filtered in a query call`);
    }
    const { value } = query.where;
    selected = selected.filter((row) => matches(key, value, field.read(row)));
  }
  if (query.limit !== undefined) selected = selected.slice(0, query.limit);
  const id = type.fields.get('id')!;
  const records = selected.map((row) => ({
    attributes: { type: typeName, url: `/services/data/v${version}/sobjects/${typeName}/${id.read(row)}` },
    ...Object.fromEntries(fields.map((f) => [f.name, f.read(row)])),
  }));
  return { totalSize: records.length, done: true, records };
}

/** Runs a parsed query for one token; an object other than Organization or User is `INVALID_TYPE`. */
export function runQuery(query: SoqlQuery, scope: QueryScope, version: string): QueryResult {
  switch (query.object.toLowerCase()) {
    case 'organization':
      return select(ORGANIZATION, 'Organization', [scope.org], query, version);
    case 'user':
      return select(USER, 'User', [scope.user], query, version);
    default:
      throw new RestApiError(
        'INVALID_TYPE',
        `sObject type '${query.object.slice(0, 80)}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      );
  }
}
