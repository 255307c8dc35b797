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
}

export function createAdminServices(deps: {
  store: AdminStore;
  history: LoginHistoryReader;
  clock: Clock;
  notifier: ChangeNotifier;
  reviews: ReviewStore & ReviewHistoryStore;
}): AdminServices {
  const apps = new AppService(deps);
  return {
    orgs: new OrgService(deps),
    users: new UserService(deps),
    apps,
    history: deps.history,
    reviews: new ReviewService({ source: deps.reviews, history: deps.reviews, apps, clock: deps.clock }),
  };
}
