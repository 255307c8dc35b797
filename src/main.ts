/**
 * The composition root: opens storage, builds the services, the OAuth endpoints and the HTTP
 * server, and wires them together. The only module that imports storage/.
 */
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createAdminServices, type AdminServices } from './admin/admin-services.js';
import { applyConfig, type ApplyResult } from './admin/apply-config.js';
import type { ChangeNotifier } from './admin/ports.js';
import type { DeclaredConfig } from './config/load.js';
import { createHttpServer } from './http/server.js';
import { registerOAuthRoutes } from './http/public/oauth-routes.js';
import { registerAdminApi } from './http/admin-api/admin-api-routes.js';
import { registerConsole } from './http/console/console-routes.js';
import { CachedClientDirectory } from './oauth/client-directory.js';
import { createClientCredentialsGrant } from './oauth/grants/client-credentials/client-credentials-grant.js';
import { createGrantRegistry } from './oauth/grants/grant-registry.js';
import { createJwtBearerGrant } from './oauth/grants/jwt-bearer/jwt-bearer-grant.js';
import { createPasswordGrant } from './oauth/grants/password/password-grant.js';
import { createIntrospectionEndpoint } from './oauth/endpoints/introspection.js';
import { authorizationServerMetadata } from './oauth/endpoints/metadata.js';
import { createResourceEndpoints } from './oauth/endpoints/resource-endpoints.js';
import { createRevocationEndpoint } from './oauth/endpoints/revocation.js';
import { createTokenEndpoint, tokenFormLimit } from './oauth/endpoints/token-endpoint.js';
import { FailureLimit } from './oauth/endpoints/failure-limit.js';
import { DEFAULT_OAUTH_OPTIONS, type OAuthOptions } from './oauth/options.js';
import { AccessTokens } from './oauth/tokens/access-token.js';
import { loadSigningKeys } from './oauth/tokens/signing-keys.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import type { MaintenanceOptions } from './storage/maintenance.js';
import { SqlReviewStore } from './storage/sql/sql-review-store.js';
import { openStores as openStorage, type OpenedStores, type StorageOptions } from './storage/open-stores.js';
export { describeStorage, migrateStorage } from './storage/open-stores.js';
import { SqlConsoleStore } from './storage/sql/sql-console-store.js';

/**
 * Where the data lives. SQLite in `dataDir` unless `databaseUrl` (KEYGATE_DATABASE_URL, or
 * `storage.url` in the configuration file) is a postgres:// URL; Redis when `redisUrl` is set.
 */
export interface StoreOptions extends Omit<StorageOptions, 'log'> {
  /** Background pruning of expired rows and old login history (servers only). */
  readonly maintenance?: MaintenanceOptions;
}

/** Storage opened and migrated, with the admin services over it: what the CLI's offline commands need. */
export interface KeygateCore {
  readonly services: AdminServices;
  readonly clock: Clock;
  close(): Promise<void>;
}

async function openStores(options: StoreOptions & { config?: DeclaredConfig }, log?: Logger): Promise<OpenedStores> {
  return openStorage({ ...options, databaseUrl: options.databaseUrl ?? options.config?.storage?.url, log });
}

/**
 * The directory cache reloads after every change made here, and the change is announced to
 * the other instances (whose caches reload when they hear it). A failed announcement is only
 * logged: the write has committed, and a feed that lost its connection reloads on reconnect.
 */
function announceChanges(stores: OpenedStores, reload: () => Promise<void>, log?: Logger): ChangeNotifier {
  stores.changes.subscribe(() => {
    reload().catch((err: unknown) => log?.warn({ err }, 'reloading the directory after a change elsewhere failed'));
  });
  return {
    async changed() {
      await reload();
      await stores.changes.publish().catch((err: unknown) => log?.warn({ err }, 'announcing a change to other instances failed'));
    },
  };
}

function adminServices(stores: OpenedStores, clock: Clock, notifier: ChangeNotifier): AdminServices {
  return createAdminServices({ store: stores.admin, history: stores.admin, clock, notifier, reviews: new SqlReviewStore(stores.db, stores.admin) });
}

/** Opens the store and the admin services without serving HTTP (for `keygate init` and tests). */
export async function openKeygate(options: StoreOptions & { clock?: Clock; onChange?: () => Promise<void> }): Promise<KeygateCore> {
  const stores = await openStores(options);
  const clock = options.clock ?? systemClock;
  const notifier = announceChanges(stores, options.onChange ?? (async () => {}));
  return {
    services: adminServices(stores, clock, notifier),
    clock,
    close: () => stores.close(),
  };
}

export interface ServerOptions extends StoreOptions {
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly config?: DeclaredConfig;
  readonly prune?: boolean;
  /** The configuration was applied by another process (the `--workers` primary): read its settings, do not apply it again. */
  readonly configApplied?: boolean;
  readonly tls?: { cert: string; key: string };
  readonly trustedProxies?: readonly string[];
  readonly insecureHttp?: boolean;
  readonly oauth?: Partial<OAuthOptions>;
}

export interface RunningKeygate {
  readonly app: FastifyInstance;
  readonly services: AdminServices;
  readonly applied: ApplyResult | null;
  /** The URL the server listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Refuses plain HTTP on a non-loopback address unless explicitly allowed (tokens would cross the wire in clear). */
export function checkListenSafety(options: Pick<ServerOptions, 'host' | 'tls' | 'insecureHttp'>): void {
  if (!options.tls && !isLoopback(options.host) && !options.insecureHttp) {
    throw new Error(
      `refusing to serve plain HTTP on ${options.host}: give --tls-cert and --tls-key, put Keygate behind a TLS proxy on a loopback address, or pass --insecure-http`,
    );
  }
}

/** The URL of a server bound to `host:port`, e.g. http://127.0.0.1:8080 or https://[::1]:8443. */
export function serverUrl(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Builds the whole server; `listen: false` leaves it unbound for in-process tests (`app.inject`). */
export async function buildKeygate(options: ServerOptions, listen = true): Promise<RunningKeygate> {
  checkListenSafety(options);
  const clock = options.clock ?? systemClock;
  const oauthOptions: OAuthOptions = { ...DEFAULT_OAUTH_OPTIONS, ...options.config?.oauth, ...options.oauth };
  const stores = await openStores(options, options.log);
  let directory: CachedClientDirectory | null = null;
  const notifier = announceChanges(stores, async () => directory?.refresh(), options.log);
  const services = adminServices(stores, clock, notifier);
  try {
    const applied = options.config && !options.configApplied ? await applyConfig(services, options.config, { prune: options.prune ?? false }) : null;
    directory = await CachedClientDirectory.load(stores.admin);
    const keys = await loadSigningKeys(stores.signingKeys, clock.now());
    const tokens = new AccessTokens(keys, stores.tokens);
    const grantDeps = { directory, replay: stores.replay, tokens, clock, options: oauthOptions };
    const grants = createGrantRegistry([createJwtBearerGrant(grantDeps), createClientCredentialsGrant(grantDeps), createPasswordGrant(grantDeps)]);
    const bearer = { tokens, directory, nowSeconds: () => clock.epochSeconds(), log: options.log };
    const resources = createResourceEndpoints(bearer);
    const dir = directory;

    const failureLimit = new FailureLimit(
      { maxFailures: oauthOptions.maxFailuresPerAddress, windowSeconds: oauthOptions.failureWindowSeconds },
      {
        counter: stores.failures,
        findClient: (consumerKey) => dir.clientByConsumerKey(consumerKey)?.app,
        history: stores.ledger,
        clock,
        log: options.log,
      },
    );

    const app = createHttpServer(options.log, { trustedProxies: options.trustedProxies ?? [], tls: options.tls });
    await registerOAuthRoutes(app, {
      token: failureLimit.guard(
        createTokenEndpoint({ grants, directory, ledger: stores.ledger, clock, log: options.log, maxFormLength: tokenFormLimit(oauthOptions.maxAssertionBytes) }),
      ),
      introspect: failureLimit.guard(createIntrospectionEndpoint({ ...grantDeps, log: options.log })),
      revoke: failureLimit.guard(createRevocationEndpoint({ ...grantDeps, log: options.log })),
      userinfo: resources.userinfo,
      identity: resources.identity,
      apiVersions: resources.apiVersions,
      restApi: resources.restApi,
      metadata: () => authorizationServerMetadata(dir.org(), grants),
      jwks: () => keys.jwks,
    });
    await registerAdminApi(app, { services, bearer });
    await registerConsole(app, {
      services,
      clock,
      store: new SqlConsoleStore(stores.db),
      recorder: stores.ledger,
      review: services.reviews,
      signInLimit: failureLimit,
    });
    await app.ready();
    stores.maintain({
      loginHistoryRetentionDays: options.config?.storage?.loginHistoryRetentionDays,
      onPass: (report) => options.log.debug({ report }, 'storage maintenance pass'),
      ...options.maintenance,
    });
    let url = '';
    if (listen) {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address();
      url = serverUrl(options.host, typeof address === 'object' && address ? address.port : options.port, options.tls !== undefined);
    }
    return {
      app,
      services,
      applied,
      url,
      async close() {
        await app.close();
        await stores.close();
      },
    };
  } catch (err) {
    await stores.close();
    throw err;
  }
}
