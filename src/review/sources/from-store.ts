/**
 * Snapshot builder for a review against the running server: Keygate's own store gives the
 * org, users and apps, and a traffic summary over a window of the login history.
 */
import type { ExternalClientApp } from '../../domain/app.js';
import type { Org } from '../../domain/org.js';
import type { User } from '../../domain/user.js';
import type { Snapshot, SnapshotApp, TrafficSummary } from '../engine/snapshot.js';
import { keygateAppFacts } from './keygate-app-facts.js';
import { PrincipalDirectory } from './principals.js';

/**
 * What a review needs from a Keygate store. The store implements it; the review never sees
 * anything else of storage.
 */
export interface ReviewStore {
  getOrg(): Promise<Org | undefined>;
  listUsers(): Promise<readonly User[]>;
  listApps(): Promise<readonly ExternalClientApp[]>;
  /**
   * The login history over `[since, until]`, aggregated per app. `summarizeLoginEvents` gives
   * the reference semantics; a store may compute the same in SQL.
   */
  summarizeTraffic(window: { since: Date; until: Date }): Promise<TrafficSummary>;
}

export interface StoreSnapshotOptions {
  readonly now: Date;
  /** Length of the traffic window ending now (default 90 days). */
  readonly windowDays?: number;
}

/** Thrown when the store has no org yet (Keygate was never initialised). */
export class NoOrgError extends Error {
  constructor() {
    super('the store holds no org yet; run keygate init or apply a configuration first');
    this.name = 'NoOrgError';
  }
}

/** Reads the store and builds the review snapshot, traffic included. */
export async function snapshotFromStore(store: ReviewStore, options: StoreSnapshotOptions): Promise<Snapshot> {
  const until = options.now;
  const since = new Date(until.getTime() - (options.windowDays ?? 90) * 86_400_000);
  const [org, users, apps, traffic] = await Promise.all([
    store.getOrg(),
    store.listUsers(),
    store.listApps(),
    store.summarizeTraffic({ since, until }),
  ]);
  if (!org) throw new NoOrgError();
  return snapshotFromDomain({ org, users, apps, traffic, now: options.now });
}

/** Builds a snapshot from domain objects (the store's, or a test's). */
export function snapshotFromDomain(input: {
  org: Org;
  users: readonly User[];
  apps: readonly ExternalClientApp[];
  traffic: TrafficSummary | null;
  now: Date;
}): Snapshot {
  const directory = new PrincipalDirectory(
    input.users.map((u) => ({
      username: u.username,
      profile: u.profile,
      permissionSets: u.permissionSets,
      permissions: u.permissions,
      active: u.active && !u.locked,
      approvedApps: u.approvedApps,
      hasPassword: u.passwordHash !== null,
    })),
  );
  const apps = input.apps.map((app): SnapshotApp => {
    const hasSecret = app.consumerSecretHash !== null;
    return {
      id: app.id,
      name: app.name,
      createdAt: app.createdAt,
      hasConsumerSecret: hasSecret,
      consumerSecretCreatedAt: hasSecret ? app.consumerSecretCreatedAt : null,
      ...keygateAppFacts(app, app.certificates, directory),
    };
  });
  return {
    source: 'keygate-store',
    takenAt: input.now,
    org: {
      id: input.org.id,
      name: input.org.name,
      requireAsymmetricM2M: input.org.requireAsymmetricM2M,
      maxAssertionLifetimeSeconds: input.org.maxAssertionLifetimeSeconds,
    },
    apps,
    traffic: input.traffic,
  };
}
