/** The application services, assembled once and shared by the admin API, the console and the CLI. */
import type { Clock } from '../platform/clock.js';
import { AppService } from './app-service.js';
import { OrgService } from './org-service.js';
import type { AdminStore, ChangeNotifier, LoginHistoryReader } from './ports.js';
import { ReviewService, type ReviewHistoryStore } from './review-service.js';
import { UserService } from './user-service.js';
import type { ReviewStore } from '../review/sources/from-store.js';

export interface AdminServices {
  readonly orgs: OrgService;
  readonly users: UserService;
  readonly apps: AppService;
  readonly history: LoginHistoryReader;
  readonly reviews: ReviewService;
  /**
   * Runs `work` with services whose writes share one transaction: all of them commit, or none
   * does. Caches reload, and other instances hear of the change, once, after the commit. On
   * PostgreSQL the transaction holds the admin lock first, so instances doing this at the same
   * moment take turns, each seeing what the one before it committed.
   */
  atomically<T>(work: (services: AdminServices) => Promise<T>): Promise<T>;
}

interface AdminServicesDeps {
  store: AdminStore;
  history: LoginHistoryReader;
  clock: Clock;
  notifier: ChangeNotifier;
  reviews: ReviewStore & ReviewHistoryStore;
}

/** Inside a shared transaction there is nothing to announce until it commits. */
const UNTIL_COMMIT: ChangeNotifier = { changed: async () => {} };

export function createAdminServices(deps: AdminServicesDeps): AdminServices {
  const apps = new AppService(deps);
  return {
    orgs: new OrgService(deps),
    users: new UserService(deps),
    apps,
    history: deps.history,
    reviews: new ReviewService({ source: deps.reviews, history: deps.reviews, apps, clock: deps.clock }),
    async atomically(work) {
      const result = await deps.store.transaction((store) => work(createAdminServices({ ...deps, store, notifier: UNTIL_COMMIT })));
      await deps.notifier.changed();
      return result;
    },
  };
}
