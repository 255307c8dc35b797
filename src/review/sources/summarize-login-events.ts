/**
 * Aggregates login-history rows into the traffic summary the review reads. A store may run
 * it over the rows of the window, or compute the same figures in SQL.
 */
import type { LoginEvent } from '../../domain/login-event.js';
import type { AddressUsage, AppTraffic, TrafficSummary, TrafficUsage } from '../engine/snapshot.js';

export interface SummarizeOptions {
  /** Most distinct users kept per usage row. */
  readonly maxUsers?: number;
  /** Most client addresses kept per app. */
  readonly maxAddresses?: number;
}

interface MutableUsage {
  grant: TrafficUsage['grant'];
  credential: TrafficUsage['credential'];
  outcome: TrafficUsage['outcome'];
  count: number;
  users: Set<string>;
  lastSeen: number;
  withoutJti: number;
}

interface MutableApp {
  appName: string;
  appId: string | null;
  lastTokenAt: number | null;
  usage: Map<string, MutableUsage>;
  addresses: Map<string, { count: number; lastSeen: number }>;
}

/** Summarizes the events that fall in `[since, until]`; events without an app are skipped. */
export function summarizeLoginEvents(
  events: Iterable<LoginEvent>,
  window: { since: Date; until: Date },
  options: SummarizeOptions = {},
): TrafficSummary {
  const maxUsers = options.maxUsers ?? 50;
  const maxAddresses = options.maxAddresses ?? 100;
  const since = window.since.getTime();
  const until = window.until.getTime();
  const apps = new Map<string, MutableApp>();
  for (const e of events) {
    const at = e.at.getTime();
    if (e.appName === null || at < since || at > until) continue;
    let app = apps.get(e.appName);
    if (!app) {
      app = { appName: e.appName, appId: e.appId, lastTokenAt: null, usage: new Map(), addresses: new Map() };
      apps.set(e.appName, app);
    }
    const key = `${e.grant}|${e.credential}|${e.outcome}`;
    let usage = app.usage.get(key);
    if (!usage) {
      usage = { grant: e.grant, credential: e.credential, outcome: e.outcome, count: 0, users: new Set(), lastSeen: at, withoutJti: 0 };
      app.usage.set(key, usage);
    }
    usage.count += 1;
    if (e.username !== null && usage.users.size < maxUsers) usage.users.add(e.username);
    usage.lastSeen = Math.max(usage.lastSeen, at);
    // Only an accepted JWT Bearer assertion shows whether it carried a jti: a refused one stops
    // before the replay check, and private_key_jwt always requires one.
    if (e.outcome === 'success' && e.credential === 'assertion' && e.jtiHash === null) usage.withoutJti += 1;
    if (e.outcome === 'success') {
      app.lastTokenAt = Math.max(app.lastTokenAt ?? at, at);
      const address = app.addresses.get(e.clientAddress);
      if (address) {
        address.count += 1;
        address.lastSeen = Math.max(address.lastSeen, at);
      } else {
        app.addresses.set(e.clientAddress, { count: 1, lastSeen: at });
      }
    }
  }
  const summaries: AppTraffic[] = [...apps.values()]
    .sort((a, b) => a.appName.localeCompare(b.appName))
    .map((app) => ({
      appName: app.appName,
      appId: app.appId,
      lastTokenAt: app.lastTokenAt === null ? null : new Date(app.lastTokenAt),
      usage: [...app.usage.values()].map((u) => ({
        grant: u.grant,
        credential: u.credential,
        outcome: u.outcome,
        count: u.count,
        users: [...u.users].sort(),
        lastSeen: new Date(u.lastSeen),
        withoutJti: u.withoutJti,
      })),
      clientAddresses: [...app.addresses.entries()]
        .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
        .slice(0, maxAddresses)
        .map(([address, a]): AddressUsage => ({ address, count: a.count, lastSeen: new Date(a.lastSeen) })),
      scopesUsed: null,
    }));
  return { window: { since: window.since, until: window.until }, apps: summaries };
}
