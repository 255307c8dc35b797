/**
 * Snapshot builder for an offline review of a real Salesforce org, from the source-format
 * metadata the Salesforce CLI retrieves (`sf project retrieve start`). The sibling of
 * from-config.ts: the same snapshot, so that every control is written once.
 *
 * The mapping, element by element, is in docs/salesforce-review.md. An element the files do
 * not hold is an {@link UnknownFact} naming the file and element. Consumer keys, consumer
 * secrets and certificate bodies are read for their presence only: none of them reaches the
 * snapshot.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { inspectCertificatePem, isWeakKey } from '../../../platform/x509.js';
import { listNames } from '../../engine/conditions.js';
import {
  isUnknown,
  unknownFact,
  type AppFact,
  type EvidenceLocation,
  type Maybe,
  type Principal,
  type RefreshTokenPolicy,
  type Snapshot,
  type SnapshotApp,
  type SnapshotCertificate,
  type SnapshotOrg,
  type SourceAppFact,
} from '../../engine/snapshot.js';
import { MetadataFields, parseMinutes, splitList } from './metadata-fields.js';
import { listOf, textOf } from './metadata-xml.js';
import { PermissionIndex, USE_ANY_API_CLIENT } from './permissions.js';
import { readSalesforceMetadata, type EcaBundle, type MetadataReaderOptions, type SalesforceMetadata } from './read-metadata.js';
import { checkedName } from './salesforce-metadata-error.js';

export interface SalesforceSnapshotOptions {
  /** The instant certificate dates are judged against. */
  readonly now: Date;
  /** The org's name in reports; by default `name` in sfdx-project.json, else the folder's name. */
  readonly orgName?: string;
  /** File-system access, replaceable in tests. */
  readonly reader?: MetadataReaderOptions;
}

/** Reads `dir` and builds the review snapshot. Throws `SalesforceMetadataError` for unusable input. */
export function snapshotFromSalesforce(dir: string, options: SalesforceSnapshotOptions): Snapshot {
  return snapshotFromSalesforceMetadata(readSalesforceMetadata(dir, options.reader), options);
}

type Locations = Partial<Record<AppFact | SourceAppFact, EvidenceLocation>>;

const UNDATED_APP = unknownFact('Salesforce metadata does not record when an app was created');
const UNDATED_SECRET = unknownFact('Salesforce metadata does not record when a consumer secret was made');
const NO_KEY_CUSTODY = unknownFact('Salesforce metadata does not record where an integration keeps its private key');
const NO_JTI_SETTING = unknownFact('Salesforce metadata has no setting that makes each JWT assertion id single-use');
const NO_ASSERTION_PROFILE = unknownFact('Salesforce metadata has no assertion profile');
const NO_ORG_M2M_RULE = unknownFact(
  'Salesforce has no org-wide setting that refuses machine-to-machine requests not signed with a private key; see the JWT Bearer finding of each app',
);
const NO_ASSERTION_LIFETIME = unknownFact('Salesforce metadata does not state the longest JWT assertion lifetime the org accepts');

/** Builds the snapshot from metadata already read. */
export function snapshotFromSalesforceMetadata(metadata: SalesforceMetadata, options: SalesforceSnapshotOptions): Snapshot {
  const permissions = new PermissionIndex(metadata.profiles, metadata.permissionSets);
  const oidc = metadata.oauthOidcSettings ? new MetadataFields(metadata.oauthOidcSettings) : undefined;
  const secretProof: EvidenceLocation[] = [];
  const context: MappingContext = { permissions, oidc, now: options.now, secretProof };

  const apps: SnapshotApp[] = metadata.externalClientApps.map((bundle) => mapExternalClientApp(bundle, context));
  const taken = new Set(apps.map((a) => a.name));
  for (const { name, document } of metadata.connectedApps) {
    const app = mapConnectedApp(name, new MetadataFields(document), context);
    apps.push(taken.has(app.name) ? { ...app, name: `${app.name} (Connected App)` } : app);
  }

  return {
    source: 'salesforce-metadata',
    origin: metadata.dir,
    takenAt: options.now,
    org: mapOrg(metadata, context, options.orgName ?? orgNameOf(metadata.dir)),
    apps,
    traffic: null,
  };
}

interface MappingContext {
  readonly permissions: PermissionIndex;
  readonly oidc: MetadataFields | undefined;
  readonly now: Date;
  /** Files holding a retrieved consumer secret (filled while mapping apps). */
  readonly secretProof: EvidenceLocation[];
}

/** External Client App, joined from its header and child files. */
function mapExternalClientApp(bundle: EcaBundle, context: MappingContext): SnapshotApp {
  const { name } = bundle;
  const header = bundle.header ? new MetadataFields(bundle.header) : undefined;
  const global = fieldsOf(bundle.children.ExtlClntAppGlobalOauthSettings);
  const settings = fieldsOf(bundle.children.ExtlClntAppOauthSettings);
  const policy = fieldsOf(bundle.children.ExtlClntAppOauthConfigurablePolicies);
  const locations: Locations = {};
  const missing = (suffix: string, type: string): ReturnType<typeof unknownFact> =>
    unknownFact(`no ${type} file (${suffix}-meta.xml) names ${name} in <externalClientApplication>`);
  const noGlobal = missing('.ecaGlblOauth', 'ExtlClntAppGlobalOauthSettings');
  const noSettings = missing('.ecaOauth', 'ExtlClntAppOauthSettings');
  const noPolicy = missing('.ecaOauthPlcy', 'ExtlClntAppOauthConfigurablePolicies');

  // JWT Bearer: the certificate enables it; there is no separate switch.
  let jwtBearer: Maybe<boolean>;
  let certificates: Maybe<readonly SnapshotCertificate[]>;
  if (!global) {
    jwtBearer = certificates = noGlobal;
  } else {
    const body = global.text('certificate');
    if (body) {
      jwtBearer = true;
      certificates = readCertificate(body, global);
      locations['flows.jwtBearer'] = locations.certificates = global.at('certificate');
    } else if (body !== undefined || global.has('isClientCredentialsFlowEnabled')) {
      // The file states an element of the API version that introduced certificates, so an
      // absent certificate means none is set.
      jwtBearer = false;
      certificates = [];
      locations['flows.jwtBearer'] = locations.certificates = global.at('certificate');
    } else {
      jwtBearer = certificates = global.absent('certificate', 'the file also lacks isClientCredentialsFlowEnabled, so it may predate API version 60, which added certificates');
    }
  }

  // Client credentials: the developer's global setting and the admin's policy must both allow it.
  const ccGlobal = global ? global.bool('isClientCredentialsFlowEnabled') : noGlobal;
  const ccPolicy = policy ? policy.bool('isClientCredentialsFlowEnabled') : noPolicy;
  let clientCredentials: Maybe<boolean>;
  if (ccGlobal === false) {
    clientCredentials = false;
    locations['flows.clientCredentials'] = global!.at('isClientCredentialsFlowEnabled', 'false');
  } else if (ccPolicy === false) {
    clientCredentials = false;
    locations['flows.clientCredentials'] = policy!.at('isClientCredentialsFlowEnabled', 'false');
  } else if (ccGlobal === true && ccPolicy === true) {
    clientCredentials = true;
    locations['flows.clientCredentials'] = policy!.at('isClientCredentialsFlowEnabled', 'true');
  } else {
    clientCredentials = isUnknown(ccGlobal) ? ccGlobal : (ccPolicy as ReturnType<typeof unknownFact>);
    const where = isUnknown(ccGlobal) ? global : policy;
    if (where) locations['flows.clientCredentials'] = where.at('isClientCredentialsFlowEnabled');
  }

  let runAs: Maybe<Principal | null>;
  if (clientCredentials === false) runAs = null;
  else if (!policy) runAs = noPolicy;
  else {
    const user = policy.name('clientCredentialsFlowUser');
    locations.clientCredentialsRunAs = policy.at('clientCredentialsFlowUser');
    if (user) runAs = namedUserUnknown(user, policy, 'clientCredentialsFlowUser');
    else if (policy.has('isClientCredentialsFlowEnabled')) runAs = null;
    else runAs = policy.absent('clientCredentialsFlowUser');
  }

  let hasConsumerSecret: Maybe<boolean>;
  if (global) locations.consumerSecret = global.at('consumerSecret');
  if (!global) hasConsumerSecret = noGlobal;
  else if (global.text('consumerSecret')) {
    hasConsumerSecret = true;
    context.secretProof.push(global.at('consumerSecret'));
  } else {
    hasConsumerSecret = global.absent('consumerSecret', 'Salesforce leaves the secret out of retrieved files unless consumer secrets are readable through the metadata API');
  }

  let scopes: Maybe<readonly string[]>;
  if (!settings) scopes = noSettings;
  else {
    const text = settings.text('commaSeparatedOauthScopes');
    scopes = text === undefined ? settings.absent('commaSeparatedOauthScopes') : tokenizeScopes(text);
    locations.scopes = settings.at('commaSeparatedOauthScopes');
  }

  const access = policy ? permittedUsersOf(policy, context) : { permittedUsers: noPolicy, preAuthorizedProfiles: noPolicy, principals: noPolicy, trustedIpRanges: noPolicy };
  if (policy) {
    locations['policies.permittedUsers'] = policy.at('permittedUsersPolicyType', policy.text('permittedUsersPolicyType'));
    const granted = ['commaSeparatedProfile', 'commaSeparatedPermissionSet'].find((e) => policy.has(e));
    locations['policies.profiles'] = granted ? policy.at(granted) : locations['policies.permittedUsers'];
    locations['policies.trustedIpRanges'] = locations['policies.profiles'];
  }

  let ipRelaxation: Maybe<'enforce' | 'relax'> = noPolicy;
  if (policy) {
    const raw = policy.text('ipRelaxationPolicyType');
    ipRelaxation = raw === undefined ? policy.absent('ipRelaxationPolicyType') : ipRelaxationOf(raw, policy, 'ipRelaxationPolicyType');
    locations['policies.ipRelaxation'] = policy.at('ipRelaxationPolicyType', raw);
  }

  let sessionTimeoutMinutes: Maybe<number | null> = noPolicy;
  if (policy) {
    const element = !policy.has('sessionTimeoutInMinutes') && policy.has('namedUserJwtTimeout') ? 'namedUserJwtTimeout' : 'sessionTimeoutInMinutes';
    const minutes = parseMinutes(policy, element);
    sessionTimeoutMinutes = minutes === 0 ? null : minutes;
    locations['policies.sessionTimeoutMinutes'] = policy.at(element, policy.text(element));
  }

  let refreshTokenPolicy: Maybe<RefreshTokenPolicy> = noPolicy;
  if (policy) {
    refreshTokenPolicy = ecaRefreshTokenPolicy(policy);
    locations.refreshTokenPolicy = policy.at('refreshTokenPolicyType', policy.text('refreshTokenPolicyType'));
  }
  if (global) {
    locations.pkceRequired = global.at('isPkceRequired', global.text('isPkceRequired'));
    locations.refreshTokenRotation = global.at('isRefreshTokenRotationEnabled', global.text('isRefreshTokenRotationEnabled'));
  }

  const location = header?.root ?? (global ?? settings ?? policy)?.root;
  return {
    id: null,
    name,
    kind: 'externalClientApp',
    ...(location ? { location } : {}),
    locations,
    createdAt: UNDATED_APP,
    // External Client Apps do not support the username-password flow at all.
    flows: { jwtBearer, clientCredentials, usernamePassword: false },
    // Global OAuth settings make the app an OAuth integration, certificate or not.
    ...(global ? { oauthIntegration: true } : {}),
    hasConsumerSecret,
    consumerSecretCreatedAt: UNDATED_SECRET,
    scopes,
    certificates,
    ...access,
    runAs,
    ipRelaxation,
    sessionTimeoutMinutes,
    keyCustody: NO_KEY_CUSTODY,
    requireJti: NO_JTI_SETTING,
    assertionProfile: NO_ASSERTION_PROFILE,
    pkceRequired: global ? global.bool('isPkceRequired') : noGlobal,
    refreshTokenRotation: global ? global.bool('isRefreshTokenRotationEnabled') : noGlobal,
    refreshTokenPolicy,
  };
}

/** Legacy Connected App: one file, OAuth under `oauthConfig` and `oauthPolicy`. */
function mapConnectedApp(name: string, app: MetadataFields, context: MappingContext): SnapshotApp {
  const locations: Locations = {};
  const oauth = app.child('oauthConfig');
  const policy = app.child('oauthPolicy');
  const session = app.child('sessionPolicy');
  const noPolicy = app.absent('oauthPolicy', 'the app was retrieved without its OAuth policies');
  const base = { id: null, name, kind: 'connectedApp' as const, location: app.root, createdAt: UNDATED_APP, keyCustody: NO_KEY_CUSTODY, requireJti: NO_JTI_SETTING, assertionProfile: NO_ASSERTION_PROFILE };

  if (!oauth) {
    // Without OAuth settings the app cannot obtain a token at all (a SAML or canvas app).
    return {
      ...base,
      flows: { jwtBearer: false, clientCredentials: false, usernamePassword: false },
      hasConsumerSecret: false,
      consumerSecretCreatedAt: null,
      scopes: [],
      certificates: [],
      permittedUsers: 'adminApproved',
      preAuthorizedProfiles: [],
      principals: [],
      runAs: null,
      ipRelaxation: app.absent('oauthConfig', 'OAuth is not enabled'),
      trustedIpRanges: [],
      sessionTimeoutMinutes: null,
    };
  }

  const body = oauth.text('certificate');
  const jwtBearer = Boolean(body);
  locations['flows.jwtBearer'] = locations.certificates = oauth.at('certificate');
  const certificates: Maybe<readonly SnapshotCertificate[]> = body ? readCertificate(body, oauth) : [];

  const clientCredentials = oauth.bool('isClientCredentialEnabled');
  locations['flows.clientCredentials'] = oauth.at('isClientCredentialEnabled', oauth.text('isClientCredentialEnabled'));
  let runAs: Maybe<Principal | null>;
  const user = oauth.name('oauthClientCredentialUser');
  locations.clientCredentialsRunAs = oauth.at('oauthClientCredentialUser');
  if (clientCredentials === false) runAs = null;
  else if (user) runAs = namedUserUnknown(user, oauth, 'oauthClientCredentialUser');
  else if (clientCredentials === true) runAs = null;
  else runAs = oauth.absent('oauthClientCredentialUser');

  // Any OAuth-enabled Connected App accepts the username-password flow unless the org blocks it.
  let usernamePassword: Maybe<boolean>;
  const oidc = context.oidc;
  if (!oidc) usernamePassword = unknownFact('no OauthOidc.settings-meta.xml was retrieved, so whether the org blocks the username-password flow is unknown');
  else {
    const blocked = oidc.bool('blockOAuthUnPwFlow');
    usernamePassword = isUnknown(blocked) ? blocked : !blocked;
    locations['flows.usernamePassword'] = oidc.at('blockOAuthUnPwFlow', oidc.text('blockOAuthUnPwFlow'));
  }

  let hasConsumerSecret: Maybe<boolean>;
  locations.consumerSecret = oauth.at('consumerSecret');
  if (oauth.text('consumerSecret')) {
    hasConsumerSecret = true;
  } else {
    hasConsumerSecret = oauth.absent('consumerSecret', 'Salesforce leaves the secret out of retrieved files');
  }

  const rawScopes = scopesOfConnectedApp(app);
  const scopes: Maybe<readonly string[]> = rawScopes.length > 0 ? tokenizeScopes(rawScopes.join(',')) : oauth.absent('scopes');
  locations.scopes = oauth.at('scopes');

  const approved = oauth.has('isAdminApproved') ? oauth.bool('isAdminApproved') : policy?.has('isAdminApproved') ? policy.bool('isAdminApproved') : oauth.absent('isAdminApproved');
  locations['policies.permittedUsers'] = oauth.has('isAdminApproved') ? oauth.at('isAdminApproved', oauth.text('isAdminApproved')) : (policy ?? oauth).at('isAdminApproved');
  const profiles = repeatedNames(app, 'profileName');
  const permissionSets = repeatedNames(app, 'permissionSetName');
  locations['policies.profiles'] = locations['policies.trustedIpRanges'] =
    profiles.length > 0 ? app.at('profileName') : permissionSets.length > 0 ? app.at('permissionSetName') : locations['policies.permittedUsers'];
  const access = isUnknown(approved)
    ? { permittedUsers: approved, preAuthorizedProfiles: approved, principals: approved, trustedIpRanges: approved }
    : accessOf(approved ? 'adminApproved' : 'selfAuthorized', profiles, permissionSets, app, context);

  let ipRelaxation: Maybe<'enforce' | 'relax'> = noPolicy;
  let refreshTokenPolicy: Maybe<RefreshTokenPolicy> = noPolicy;
  if (policy) {
    const raw = policy.text('ipRelaxation');
    ipRelaxation = raw === undefined ? policy.absent('ipRelaxation') : ipRelaxationOf(raw, policy, 'ipRelaxation');
    locations['policies.ipRelaxation'] = policy.at('ipRelaxation', raw);
    const refresh = policy.text('refreshTokenPolicy');
    refreshTokenPolicy = refresh === undefined ? policy.absent('refreshTokenPolicy') : connectedAppRefreshTokenPolicy(refresh, policy);
    locations.refreshTokenPolicy = policy.at('refreshTokenPolicy', refresh);
  }

  let sessionTimeoutMinutes: Maybe<number | null>;
  if (!session) sessionTimeoutMinutes = app.absent('sessionPolicy', 'no session policy was retrieved for the app');
  else {
    const minutes = parseMinutes(session, 'sessionTimeout');
    sessionTimeoutMinutes = minutes === 0 ? null : minutes;
    locations['policies.sessionTimeoutMinutes'] = session.at('sessionTimeout', session.text('sessionTimeout'));
  }

  locations.pkceRequired = oauth.at('isPkceRequired', oauth.text('isPkceRequired'));
  locations.refreshTokenRotation = oauth.at('isRefreshTokenRotationEnabled', oauth.text('isRefreshTokenRotationEnabled'));
  return {
    ...base,
    locations,
    flows: { jwtBearer, clientCredentials, usernamePassword },
    hasConsumerSecret,
    consumerSecretCreatedAt: UNDATED_SECRET,
    scopes,
    certificates,
    ...access,
    runAs,
    ipRelaxation,
    sessionTimeoutMinutes,
    pkceRequired: oauth.bool('isPkceRequired'),
    refreshTokenRotation: oauth.bool('isRefreshTokenRotationEnabled'),
    refreshTokenPolicy,
  };
}

function mapOrg(metadata: SalesforceMetadata, context: MappingContext, name: string): SnapshotOrg {
  const settings = metadata.externalClientAppSettings ? new MetadataFields(metadata.externalClientAppSettings) : undefined;
  const oidc = context.oidc;
  const noSettings = unknownFact('no ExternalClientApp.settings-meta.xml was retrieved');
  const locations: NonNullable<SnapshotOrg['locations']> = {};

  let secretsReadableViaMetadataApi: Maybe<boolean> = settings ? settings.bool('enableConsumerSecretApiAccess') : noSettings;
  if (settings) locations.secretsReadableViaMetadataApi = settings.at('enableConsumerSecretApiAccess', settings.text('enableConsumerSecretApiAccess'));
  if (context.secretProof.length > 0) {
    // A consumer secret in a retrieved file proves the access, whatever the setting says.
    secretsReadableViaMetadataApi = true;
    locations.secretsReadableViaMetadataApi = context.secretProof[0]!;
  }
  if (settings) locations.secretsReadableViaRestApi = settings.at('enableClientSecretInRestApiAccess', settings.text('enableClientSecretInRestApiAccess'));
  if (oidc) locations.pkceRequired = oidc.at('isPkceRequired', oidc.text('isPkceRequired'));

  const grants = context.permissions.isEmpty ? unknownFact('no profile or permission set was retrieved') : context.permissions.granting(USE_ANY_API_CLIENT);
  if (!isUnknown(grants) && grants[0]?.location) locations.useAnyApiClient = grants[0].location;
  const location = settings?.root ?? oidc?.root;
  return {
    id: null,
    name,
    ...(location ? { location } : {}),
    requireAsymmetricM2M: NO_ORG_M2M_RULE,
    maxAssertionLifetimeSeconds: NO_ASSERTION_LIFETIME,
    locations,
    pkceRequired: oidc ? oidc.bool('isPkceRequired') : unknownFact('no OauthOidc.settings-meta.xml was retrieved'),
    secretsReadableViaMetadataApi,
    retrievedConsumerSecrets: context.secretProof,
    secretsReadableViaRestApi: settings ? settings.bool('enableClientSecretInRestApiAccess') : noSettings,
    useAnyApiClient: grants,
  };
}

type Access = Pick<SnapshotApp, 'permittedUsers' | 'preAuthorizedProfiles' | 'principals' | 'trustedIpRanges'>;

/** An External Client App's permitted users, from its OAuth policies. */
function permittedUsersOf(policy: MetadataFields, context: MappingContext): Access {
  const raw = policy.text('permittedUsersPolicyType');
  if (raw === undefined) {
    const reason = policy.absent('permittedUsersPolicyType');
    return { permittedUsers: reason, preAuthorizedProfiles: reason, principals: reason, trustedIpRanges: reason };
  }
  const kind = raw === 'AdminApprovedPreAuthorized' ? 'adminApproved' : raw === 'AllSelfAuthorized' ? 'selfAuthorized' : null;
  if (kind === null) {
    const reason = unknownFact(`<permittedUsersPolicyType> in ${policy.path} holds "${raw.slice(0, 40)}", which Keygate does not know`);
    return { permittedUsers: reason, preAuthorizedProfiles: reason, principals: reason, trustedIpRanges: reason };
  }
  return accessOf(kind, splitList(policy.name('commaSeparatedProfile')), splitList(policy.name('commaSeparatedPermissionSet')), policy, context);
}

/** Who may get a token, resolved against the retrieved profiles and permission sets. */
function accessOf(
  kind: 'adminApproved' | 'selfAuthorized',
  profiles: readonly string[],
  permissionSets: readonly string[],
  where: MetadataFields,
  context: MappingContext,
): Access {
  if (kind === 'selfAuthorized') {
    const reason = unknownFact(`every user who approves the app may obtain tokens (${where.path}), and users are not part of the metadata`);
    return { permittedUsers: kind, preAuthorizedProfiles: [], principals: reason, trustedIpRanges: reason };
  }
  const found: Principal[] = [];
  const missing: string[] = [];
  const profileRanges: string[] = [];
  for (const name of profiles) {
    const holder = context.permissions.profile(name);
    if (holder) {
      found.push(context.permissions.principal(holder));
      profileRanges.push(...holder.loginIpRanges);
    } else missing.push(`profile ${name}`);
  }
  for (const name of permissionSets) {
    const holder = context.permissions.permissionSet(name);
    if (holder) found.push(context.permissions.principal(holder));
    else missing.push(`permission set ${name}`);
  }
  const unresolved = unknownFact(
    `${listNames(missing)} ${missing.length === 1 ? 'is' : 'are'} pre-authorized in ${where.path} but ${missing.length === 1 ? 'was' : 'were'} not retrieved, so ${missing.length === 1 ? 'its' : 'their'} permissions are unknown`,
  );
  // A principal proven admin-grade stands even when others are missing; a clean picture needs all of them.
  const principals = missing.length === 0 || found.some((p) => p.elevatedPermissions.length > 0) ? found : unresolved;
  let trustedIpRanges: Maybe<readonly string[]>;
  if (profiles.length === 0) {
    trustedIpRanges = unknownFact(
      `the app pre-authorizes no profile, and the login IP ranges enforced for its users come from their profiles, which ${where.path} does not name`,
    );
  } else if (missing.some((m) => m.startsWith('profile '))) trustedIpRanges = unresolved;
  else trustedIpRanges = [...new Set(profileRanges)];
  return { permittedUsers: kind, preAuthorizedProfiles: profiles, principals, trustedIpRanges };
}

/** A run-as user is named, but users are not metadata: their permissions stay unknown. */
function namedUserUnknown(user: string, where: MetadataFields, element: string): ReturnType<typeof unknownFact> {
  return unknownFact(`${where.path} names run-as user ${user} in <${element}>, but users are not part of the metadata, so that user's permissions cannot be judged`);
}

/** Salesforce's IP relaxation values: only `Enforce` enforces. */
function ipRelaxationOf(raw: string, where: MetadataFields, element: string): Maybe<'enforce' | 'relax'> {
  const value = raw.toUpperCase();
  if (value === 'ENFORCE') return 'enforce';
  if (value === 'BYPASS' || value === 'BYPASS_2FACTOR' || value === 'ENFORCE_RELAXREFRESH') return 'relax';
  return unknownFact(`<${element}> in ${where.path} holds "${raw.slice(0, 40)}", which Keygate does not know`);
}

const UNIT_MINUTES: Readonly<Record<string, number>> = { MINUTES: 1, HOURS: 60, DAYS: 1440, WEEKS: 10080, MONTHS: 43200 };

/** `refreshTokenPolicyType` with `refreshTokenValidityPeriod` and `refreshTokenValidityUnit`. */
function ecaRefreshTokenPolicy(policy: MetadataFields): Maybe<RefreshTokenPolicy> {
  const type = policy.text('refreshTokenPolicyType');
  if (type === undefined) return policy.absent('refreshTokenPolicyType');
  const period = policy.text('refreshTokenValidityPeriod');
  const unit = policy.text('refreshTokenValidityUnit');
  const raw = [type, period, unit].filter(Boolean).join(' ');
  return refreshTokenPolicyOf(type, period, unit, raw, policy, 'refreshTokenPolicyType');
}

/** `infinite`, `zero`, `specific_lifetime:N:UNIT` or `specific_inactivity:N:UNIT`. */
function connectedAppRefreshTokenPolicy(text: string, policy: MetadataFields): Maybe<RefreshTokenPolicy> {
  const [type = '', period, unit] = text.split(':');
  return refreshTokenPolicyOf(type, period, unit, text, policy, 'refreshTokenPolicy');
}

function refreshTokenPolicyOf(
  type: string,
  period: string | undefined,
  unit: string | undefined,
  raw: string,
  where: MetadataFields,
  element: string,
): Maybe<RefreshTokenPolicy> {
  const key = type.replace(/_/g, '').toLowerCase();
  if (key === 'infinite') return { kind: 'infinite', raw };
  if (key === 'zero') return { kind: 'zero', raw };
  const kind = key === 'specificlifetime' ? 'lifetime' : key === 'specificinactivity' ? 'inactivity' : null;
  if (kind === null) return unknownFact(`<${element}> in ${where.path} holds "${raw.slice(0, 60)}", which Keygate does not know`);
  const perUnit = UNIT_MINUTES[(unit ?? '').toUpperCase()];
  const n = period !== undefined && /^\d{1,6}$/.test(period) ? Number(period) : undefined;
  return n !== undefined && perUnit !== undefined ? { kind, periodMinutes: n * perUnit, raw } : { kind, raw };
}

/** Scope names tokenised leniently (`Api, Web, Full`), in the lower-case form controls compare. */
export function tokenizeScopes(text: string): string[] {
  const scopes = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => {
      const lower = s.toLowerCase();
      if (lower === 'refreshtoken') return 'refresh_token';
      if (lower === 'offlineaccess') return 'offline_access';
      return lower;
    });
  return [...new Set(scopes)];
}

/** The facts of a PEM certificate; the body itself is dropped here. */
function readCertificate(body: string, where: MetadataFields): Maybe<readonly SnapshotCertificate[]> {
  const pem = body.includes('-----BEGIN') ? body : `-----BEGIN CERTIFICATE-----\n${body.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  try {
    const cert = inspectCertificatePem(pem.replace(/\r?\n[ \t]+/g, '\n'));
    return [
      {
        fingerprintSha256: cert.fingerprintSha256,
        subject: cert.subject,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        keyType: cert.keyType,
        keySize: cert.keySize,
        weakKey: isWeakKey(cert),
      },
    ];
  } catch {
    return unknownFact(`the <certificate> in ${where.path} is present but is not a PEM X.509 certificate with a key Keygate can read`);
  }
}

function fieldsOf(doc: EcaBundle['children'][keyof EcaBundle['children']]): MetadataFields | undefined {
  return doc ? new MetadataFields(doc) : undefined;
}

/** The names a repeated element holds (`profileName`, `permissionSetName`). */
function repeatedNames(fields: MetadataFields, name: string): string[] {
  return listOf(fields.doc.root[name])
    .map((node, i) => checkedName(textOf(node)?.trim() ?? '', `<${name}>`, fields.path, fields.doc.lines.of(name, i)))
    .filter(Boolean);
}

function scopesOfConnectedApp(app: MetadataFields): string[] {
  const oauth = app.doc.root['oauthConfig'];
  const node = Array.isArray(oauth) ? oauth[0] : oauth;
  if (node === undefined || typeof node === 'string') return [];
  return listOf((node as Record<string, never>)['scopes'])
    .map((s) => textOf(s)?.trim() ?? '')
    .filter(Boolean);
}

/** `name` in sfdx-project.json (in the folder or its parent), else the folder's own name. */
function orgNameOf(dir: string): string {
  for (const folder of [dir, dirname(resolve(dir))]) {
    const file = join(folder, 'sfdx-project.json');
    let name: unknown;
    try {
      name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
    } catch {
      // No project file here: keep looking, then fall back to the folder's name.
      continue;
    }
    if (typeof name === 'string' && name.trim()) return checkedName(name.trim(), 'the project name', file);
  }
  return basename(resolve(dir));
}
