/** The application services, assembled once and shared by the admin API, the console and the CLI. */
import type { Clock } from '../platform/clock.js';
import { AppService } from './app-service.js';
import { OrgService } from './org-service.js';
import type { AdminStore, ChangeNotifier, LoginHistoryReader } from './ports.js';
import { UserService } from './user-service.js';

export interface AdminServices {
  readonly orgs: OrgService;
  readonly users: UserService;
  readonly apps: AppService;
  readonly history: LoginHistoryReader;
}

export function createAdminServices(deps: {
  store: AdminStore;
  history: LoginHistoryReader;
  clock: Clock;
  notifier: ChangeNotifier;
}): AdminServices {
  return {
    orgs: new OrgService(deps),
    users: new UserService(deps),
    apps: new AppService(deps),
    history: deps.history,
  };
}
