/**
 * The Health Review's storage over Kysely: the org, users and apps the snapshot reads, the
 * login history aggregated in SQL over the traffic window, and stored reviews and accepted risks.
 */
import type { Kysely } from 'kysely';
import type { ReviewHistoryStore, ReviewSummary, StoredAcceptedRisk, StoredReview } from '../../admin/review-service.js';
import type { CredentialKind, LoginGrant } from '../../domain/login-event.js';
import type { AppTraffic, TrafficSummary } from '../../review/engine/snapshot.js';
import type { ReviewStore } from '../../review/sources/from-store.js';
import type { JsonReport } from '../../review/report/json.js';
import type { ExternalClientApp } from '../../domain/app.js';
import type { Org } from '../../domain/org.js';
import type { User } from '../../domain/user.js';
import type { AdminStore } from '../../admin/ports.js';
import type { Database } from './tables.js';

/** Most distinct users kept per usage row, and client addresses per app (as summarizeLoginEvents). */
const MAX_USERS = 50;
const MAX_ADDRESSES = 100;

export class SqlReviewStore implements ReviewStore, ReviewHistoryStore {
  constructor(
    private readonly kysely: Kysely<Database>,
    private readonly admin: Pick<AdminStore, 'getOrg' | 'listUsers' | 'listApps'>,
  ) {}

  getOrg(): Promise<Org | undefined> {
    return this.admin.getOrg();
  }

  listUsers(): Promise<User[]> {
    return this.admin.listUsers();
  }

  listApps(): Promise<ExternalClientApp[]> {
    return this.admin.listApps();
  }

  async summarizeTraffic(window: { since: Date; until: Date }): Promise<TrafficSummary> {
    const since = window.since.getTime();
    const until = window.until.getTime();
    const inWindow = this.kysely
      .selectFrom('login_history')
      .where('at', '>=', since)
      .where('at', '<=', until)
      .where('app_name', 'is not', null);
    const [usage, users, addresses] = await Promise.all([
      inWindow
        .select((eb) => [
          'app_id',
          'app_name',
          'grant_type',
          'credential',
          'outcome',
          eb.fn.countAll<number>().as('n'),
          eb.fn.max('at').as('last'),
          eb.fn
            .sum<number>(eb.case().when('jti_hash', 'is', null).then(1).else(0).end())
            .as('without_jti'),
        ])
        .groupBy(['app_id', 'app_name', 'grant_type', 'credential', 'outcome'])
        .execute(),
      inWindow
        .select(['app_name', 'grant_type', 'credential', 'outcome', 'username'])
        .where('username', 'is not', null)
        .distinct()
        .execute(),
      inWindow
        .where('outcome', '=', 'success')
        .select((eb) => ['app_name', 'client_address', eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
        .groupBy(['app_name', 'client_address'])
        .execute(),
    ]);

    type Usage = { -readonly [K in keyof AppTraffic['usage'][number]]: AppTraffic['usage'][number][K] };
    const apps = new Map<
      string,
      { appId: string | null; idSeenAt: number; lastTokenAt: number | null; usage: Map<string, Usage>; addresses: AppTraffic['clientAddresses'][number][] }
    >();
    const appOf = (name: string) => {
      let app = apps.get(name);
      if (!app) {
        app = { appId: null, idSeenAt: -Infinity, lastTokenAt: null, usage: new Map(), addresses: [] };
        apps.set(name, app);
      }
      return app;
    };
    const usersOf = new Map<string, string[]>();
    for (const row of users) {
      const key = `${row.app_name}|${row.grant_type}|${row.credential}|${row.outcome}`;
      const list = usersOf.get(key) ?? [];
      if (list.length < MAX_USERS) list.push(row.username!);
      usersOf.set(key, list);
    }
    for (const row of usage) {
      // Rows are grouped by app id too: an app deleted and created again under the same name
      // has two. Like summarizeLoginEvents, merge them into one summary per name, with the id
      // seen last.
      const app = appOf(row.app_name!);
      const last = Number(row.last);
      if (last >= app.idSeenAt) {
        app.appId = row.app_id;
        app.idSeenAt = last;
      }
      // Only an accepted JWT Bearer assertion shows whether it carried a jti: a refused one stops
      // before the replay check, and private_key_jwt always requires one (see summarizeLoginEvents).
      const withoutJti = row.credential === 'assertion' && row.outcome === 'success' ? Number(row.without_jti) : 0;
      const key = `${row.grant_type}|${row.credential}|${row.outcome}`;
      const prior = app.usage.get(key);
      if (prior) {
        prior.count += Number(row.n);
        prior.lastSeen = new Date(Math.max(prior.lastSeen.getTime(), last));
        prior.withoutJti += withoutJti;
      } else {
        app.usage.set(key, {
          grant: row.grant_type as LoginGrant,
          credential: row.credential as CredentialKind,
          outcome: row.outcome as 'success' | 'failure',
          count: Number(row.n),
          users: (usersOf.get(`${row.app_name}|${key}`) ?? []).sort(),
          lastSeen: new Date(last),
          withoutJti,
        });
      }
      if (row.outcome === 'success') app.lastTokenAt = Math.max(app.lastTokenAt ?? last, last);
    }
    for (const row of addresses) {
      appOf(row.app_name!).addresses.push({ address: row.client_address, count: Number(row.n), lastSeen: new Date(Number(row.last)) });
    }
    return {
      window: { since: window.since, until: window.until },
      apps: [...apps.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([appName, app]) => ({
          appName,
          appId: app.appId,
          lastTokenAt: app.lastTokenAt === null ? null : new Date(app.lastTokenAt),
          usage: [...app.usage.values()],
          clientAddresses: app.addresses
            .sort((a, b) => b.count - a.count || a.address.localeCompare(b.address))
            .slice(0, MAX_ADDRESSES),
          scopesUsed: null,
        })),
    };
  }

  async saveReview(review: StoredReview): Promise<void> {
    await this.kysely
      .insertInto('reviews')
      .values({
        id: review.id,
        generated_at: review.generatedAt.getTime(),
        score: review.score,
        grade: review.grade,
        baseline: review.baseline,
        app_count: review.appCount,
        report: JSON.stringify(review.report),
      })
      .execute();
  }

  async listReviews(limit: number): Promise<ReviewSummary[]> {
    const rows = await this.kysely
      .selectFrom('reviews')
      .select(['id', 'generated_at', 'score', 'grade', 'baseline', 'app_count'])
      .orderBy('generated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      generatedAt: new Date(Number(r.generated_at)),
      score: Number(r.score),
      grade: r.grade,
      baseline: r.baseline,
      appCount: Number(r.app_count),
    }));
  }

  async getReview(id: string): Promise<StoredReview | undefined> {
    const row = await this.kysely.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      generatedAt: new Date(Number(row.generated_at)),
      score: Number(row.score),
      grade: row.grade,
      baseline: row.baseline,
      appCount: Number(row.app_count),
      report: JSON.parse(row.report) as JsonReport,
    };
  }

  async listAcceptedRisks(): Promise<StoredAcceptedRisk[]> {
    const rows = await this.kysely.selectFrom('accepted_risks').selectAll().orderBy('accepted_at').execute();
    return rows.map((r) => ({
      id: r.id,
      control: r.control,
      subject: r.subject,
      reason: r.reason,
      owner: r.owner,
      expires: new Date(Number(r.expires_at)),
      acceptedAt: new Date(Number(r.accepted_at)),
      ...(r.state !== null && { state: r.state }),
    }));
  }

  async saveAcceptedRisk(risk: StoredAcceptedRisk): Promise<void> {
    const row = {
      id: risk.id,
      control: risk.control,
      subject: risk.subject,
      reason: risk.reason,
      owner: risk.owner,
      expires_at: risk.expires.getTime(),
      accepted_at: (risk.acceptedAt ?? new Date()).getTime(),
      state: risk.state ?? null,
    };
    const { id: _id, control: _c, subject: _s, ...update } = row;
    await this.kysely
      .insertInto('accepted_risks')
      .values(row)
      .onConflict((oc) => oc.columns(['control', 'subject']).doUpdateSet({ ...update, id: row.id }))
      .execute();
  }

  async deleteAcceptedRisk(id: string): Promise<boolean> {
    const result = await this.kysely.deleteFrom('accepted_risks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
