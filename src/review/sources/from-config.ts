/**
 * Snapshot builder for an offline review of a keygate.yaml: no server, no store, no login
 * history. Facts a file cannot hold (when an app or its secret was made) are unknown.
 */
import type { DeclaredConfig } from '../../config/load.js';
import { defaultSessionTimeoutMinutes } from '../../domain/org.js';
import type { AppFact, EvidenceLocation, Snapshot, SnapshotApp } from '../engine/snapshot.js';
import { unknownFact } from '../engine/snapshot.js';
import { locateConfigKeys } from './config-locations.js';
import { keygateAppFacts } from './keygate-app-facts.js';
import { PrincipalDirectory } from './principals.js';

export interface ConfigSnapshotOptions {
  /** The instant certificate dates are judged against. */
  readonly now: Date;
  /** The file as the user named it, for evidence locations. */
  readonly file?: string;
  /** The file's text, to locate each key's line; without it findings point at the file only. */
  readonly text?: string;
}

/** Keys a control may name, and where they sit under `apps.N`. */
const FACT_KEYS: Readonly<Record<AppFact, string>> = {
  'flows.jwtBearer': 'flows.jwtBearer',
  'flows.clientCredentials': 'flows.clientCredentials',
  'flows.usernamePassword': 'flows.usernamePassword',
  consumerSecret: 'consumerSecretEnv',
  scopes: 'scopes',
  certificates: 'certificates',
  'policies.permittedUsers': 'policies.permittedUsers',
  'policies.profiles': 'policies.profiles',
  'policies.ipRelaxation': 'policies.ipRelaxation',
  'policies.trustedIpRanges': 'policies.trustedIpRanges',
  'policies.sessionTimeoutMinutes': 'policies.sessionTimeoutMinutes',
  clientCredentialsRunAs: 'clientCredentialsRunAs',
  keyCustody: 'keyCustody',
  requireJti: 'requireJti',
  assertionProfile: 'assertionProfile',
};

const UNDATED_APP = unknownFact('a configuration file does not record when an app was created');
const UNDATED_SECRET = unknownFact('a configuration file does not record when a consumer secret was made');

/** Builds the review snapshot of a validated configuration. */
export function snapshotFromConfig(config: DeclaredConfig, options: ConfigSnapshotOptions): Snapshot {
  const lines = options.file !== undefined && options.text !== undefined ? locateConfigKeys(options.text) : null;
  const at = (path: string): EvidenceLocation | undefined => {
    if (options.file === undefined) return undefined;
    const line = lines?.get(path);
    return line === undefined ? { file: options.file, element: path } : { file: options.file, line, element: path };
  };
  const directory = new PrincipalDirectory(
    config.users.map((u) => ({
      username: u.username,
      profile: u.profile,
      permissionSets: u.permissionSets,
      permissions: u.permissions,
      active: u.active,
      approvedApps: u.approvedApps,
      hasPassword: u.passwordEnv !== undefined,
    })),
  );

  const apps = config.apps.map((app, i): SnapshotApp => {
    const hasSecret = app.consumerSecretEnv !== undefined;
    let locations: Partial<Record<AppFact, EvidenceLocation>> | undefined;
    if (lines) {
      locations = {};
      for (const [fact, key] of Object.entries(FACT_KEYS) as [AppFact, string][]) {
        if (lines.has(`apps.${i}.${key}`)) locations[fact] = at(`apps.${i}.${key}`)!;
      }
    }
    const location = at(`apps.${i}`);
    return {
      id: null,
      name: app.name,
      ...(location ? { location } : {}),
      ...(locations ? { locations } : {}),
      createdAt: UNDATED_APP,
      hasConsumerSecret: hasSecret,
      consumerSecretCreatedAt: hasSecret ? UNDATED_SECRET : null,
      ...keygateAppFacts(
        {
          ...app,
          clientCredentialsRunAs: app.clientCredentialsRunAs ?? null,
          // What `serve` gives an app that declares none.
          policies: { ...app.policies, sessionTimeoutMinutes: app.policies.sessionTimeoutMinutes ?? defaultSessionTimeoutMinutes(config.org) },
        },
        app.certificates.map((c) => c.parsed),
        directory,
      ),
    };
  });

  const orgLocation = at('org');
  return {
    source: 'keygate-config',
    ...(options.file !== undefined ? { origin: options.file } : {}),
    takenAt: options.now,
    org: {
      id: null,
      name: config.org.name,
      ...(orgLocation ? { location: orgLocation } : {}),
      requireAsymmetricM2M: config.org.requireAsymmetricM2M,
      maxAssertionLifetimeSeconds: config.org.maxAssertionLifetimeSeconds,
    },
    apps,
    traffic: null,
  };
}
