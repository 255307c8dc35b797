/**
 * Planning the safe remediations `keygate review fix CONTROL --app NAME` offers: what would
 * change and which integrations the login history says would break. Pure: the writes go
 * through the admin services, behind {@link FixPort}.
 */
import { IpRangeSet } from '../../platform/cidr.js';
import { isoDate } from '../engine/conditions.js';
import { isUnknown, type AppTraffic, type Snapshot, type SnapshotApp } from '../engine/snapshot.js';

/** A change to one app, as the admin services apply it. */
export type AppChange =
  | { readonly kind: 'disableFlow'; readonly flow: 'clientCredentials' | 'usernamePassword' }
  | { readonly kind: 'enforceIpRestrictions' }
  | { readonly kind: 'requireJti' };

/** A change with its before and after, for display. */
export interface PlannedChange {
  readonly change: AppChange;
  /** The app setting, as in keygate.yaml (`flows.usernamePassword`). */
  readonly setting: string;
  readonly from: string;
  readonly to: string;
}

/** An integration the change would stop, judged from its recent traffic. */
export interface BrokenIntegration {
  /** The user it authenticates as, or null when the traffic does not say. */
  readonly username: string | null;
  /** The client address, when the break is about the network. */
  readonly address: string | null;
  readonly requests: number;
  readonly lastSeen: Date;
  readonly reason: string;
}

/** What a fix would do. */
export interface FixPlan {
  readonly control: string;
  readonly app: string;
  /** Empty when the app already complies, or when the fix is blocked. */
  readonly changes: readonly PlannedChange[];
  /** Null when the snapshot has no login history, so breakage cannot be judged. */
  readonly breaks: readonly BrokenIntegration[] | null;
  /** Why the fix cannot be applied safely; null when it can. */
  readonly blocked: string | null;
  /** One sentence for the reader. */
  readonly summary: string;
}

/** Why a plan could not be made. */
export class FixPlanError extends Error {
  constructor(
    readonly code: 'not_fixable' | 'unknown_app',
    message: string,
  ) {
    super(message);
    this.name = 'FixPlanError';
  }
}

/** Applies planned changes; implemented by the admin services the admin API also uses. */
export interface FixPort {
  applyAppChanges(appName: string, changes: readonly AppChange[]): Promise<void>;
}

type Planner = (app: SnapshotApp, traffic: AppTraffic | null) => Omit<FixPlan, 'control' | 'app'>;

const planners: ReadonlyMap<string, Planner> = new Map<string, Planner>([
  ['eca.oauth-flow.username-password-disabled', (app, traffic) => disableFlow(app, traffic, 'usernamePassword', 'password')],
  ['eca.oauth-flow.client-credentials-constrained', (app, traffic) => disableFlow(app, traffic, 'clientCredentials', 'client-credentials')],
  ['eca.policy.ip-relaxation-enforced', enforceIp],
  ['eca.replay.require-jti', requireJti],
]);

/** Control ids `review fix` can remediate. */
export const FIXABLE_CONTROLS: readonly string[] = [...planners.keys()];

/** Plans the safe remediation of `control` on the app named `appName`. */
export function planFix(control: string, appName: string, snapshot: Snapshot): FixPlan {
  const planner = planners.get(control);
  if (!planner) {
    throw new FixPlanError('not_fixable', `${control} has no automatic fix; fixable controls: ${FIXABLE_CONTROLS.join(', ')}`);
  }
  const app = snapshot.apps.find((a) => a.name === appName);
  if (!app) throw new FixPlanError('unknown_app', `no app is named "${appName}"`);
  const traffic = snapshot.traffic === null ? null : (snapshot.traffic.apps.find((t) => t.appName === appName) ?? emptyTraffic(app));
  return { control, app: appName, ...planner(app, traffic) };
}

/** Applies a plan that is not blocked. */
export async function applyFixPlan(plan: FixPlan, port: FixPort): Promise<void> {
  if (plan.blocked !== null) throw new FixPlanError('not_fixable', plan.blocked);
  if (plan.changes.length === 0) return;
  await port.applyAppChanges(plan.app, plan.changes.map((c) => c.change));
}

function emptyTraffic(app: SnapshotApp): AppTraffic {
  return { appName: app.name, appId: app.id, lastTokenAt: null, usage: [], clientAddresses: [], scopesUsed: null };
}

function summarize(changes: readonly PlannedChange[], breaks: readonly BrokenIntegration[] | null, blocked: string | null): string {
  if (blocked) return `Not applied: ${blocked}`;
  if (changes.length === 0) return 'Nothing to change: the app already complies.';
  const what = changes.map((c) => `${c.setting}: ${c.from} → ${c.to}`).join('; ');
  if (breaks === null) return `${what}. No login history was available to tell which integrations would break.`;
  if (breaks.length === 0) return `${what}. No integration used what this removes in the traffic window.`;
  return `${what}. ${breaks.length} integration${breaks.length === 1 ? '' : 's'} would break.`;
}

function disableFlow(
  app: SnapshotApp,
  traffic: AppTraffic | null,
  flow: 'clientCredentials' | 'usernamePassword',
  grant: 'password' | 'client-credentials',
): Omit<FixPlan, 'control' | 'app'> {
  const setting = `flows.${flow}`;
  const current = app.flows[flow];
  if (isUnknown(current)) return { changes: [], breaks: null, blocked: `${setting} could not be read`, summary: `Not applied: ${setting} could not be read` };
  const changes: PlannedChange[] = current ? [{ change: { kind: 'disableFlow', flow }, setting, from: 'true', to: 'false' }] : [];
  const breaks =
    traffic === null || changes.length === 0
      ? traffic === null
        ? null
        : []
      : traffic.usage
          .filter((u) => u.grant === grant && u.outcome === 'success')
          .flatMap((u) =>
            (u.users.length ? u.users : [null]).map((username) => ({
              username,
              address: null,
              requests: u.count,
              lastSeen: u.lastSeen,
              reason: `obtained tokens with the ${grant} grant, last on ${isoDate(u.lastSeen)}`,
            })),
          );
  return { changes, breaks, blocked: null, summary: summarize(changes, breaks, null) };
}

function enforceIp(app: SnapshotApp, traffic: AppTraffic | null): Omit<FixPlan, 'control' | 'app'> {
  if (isUnknown(app.ipRelaxation) || isUnknown(app.trustedIpRanges)) {
    const blocked = 'the IP policy could not be read';
    return { changes: [], breaks: null, blocked, summary: summarize([], null, blocked) };
  }
  if (app.ipRelaxation === 'enforce') return { changes: [], breaks: traffic ? [] : null, blocked: null, summary: summarize([], null, null) };
  if (app.trustedIpRanges.length === 0) {
    const blocked = 'the app lists no trusted IP range; add the ranges its integrations call from first';
    return { changes: [], breaks: null, blocked, summary: summarize([], null, blocked) };
  }
  const changes: PlannedChange[] = [{ change: { kind: 'enforceIpRestrictions' }, setting: 'policies.ipRelaxation', from: 'relax', to: 'enforce' }];
  const ranges = new IpRangeSet(app.trustedIpRanges);
  const breaks =
    traffic === null
      ? null
      : traffic.clientAddresses
          .filter((a) => !ranges.contains(a.address))
          .map((a) => ({
            username: null,
            address: a.address,
            requests: a.count,
            lastSeen: a.lastSeen,
            reason: `called from ${a.address}, outside the trusted ranges, last on ${isoDate(a.lastSeen)}`,
          }));
  return { changes, breaks, blocked: null, summary: summarize(changes, breaks, null) };
}

function requireJti(app: SnapshotApp, traffic: AppTraffic | null): Omit<FixPlan, 'control' | 'app'> {
  if (isUnknown(app.requireJti)) {
    const blocked = 'the require jti setting could not be read';
    return { changes: [], breaks: null, blocked, summary: summarize([], null, blocked) };
  }
  if (app.assertionProfile === 'salesforce-compat') {
    const blocked = 'the app uses the salesforce-compat profile, which accepts assertions without a jti whatever requireJti says; set assertionProfile to strict once its clients send one (the Salesforce CLI does not)';
    return { changes: [], breaks: null, blocked, summary: summarize([], null, blocked) };
  }
  const changes: PlannedChange[] = app.requireJti ? [] : [{ change: { kind: 'requireJti' }, setting: 'requireJti', from: 'false', to: 'true' }];
  const breaks =
    traffic === null
      ? null
      : changes.length === 0
        ? []
        : traffic.usage
            .filter((u) => u.outcome === 'success' && u.withoutJti > 0)
            .flatMap((u) =>
              (u.users.length ? u.users : [null]).map((username) => ({
                username,
                address: null,
                requests: u.withoutJti,
                lastSeen: u.lastSeen,
                reason: `sent assertions without a jti, last on ${isoDate(u.lastSeen)}`,
              })),
            );
  return { changes, breaks, blocked: null, summary: summarize(changes, breaks, null) };
}
