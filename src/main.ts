/**
 * The composition root: opens storage, builds the services, the OAuth endpoints and the HTTP
 * server, and wires them together. The only module that imports storage/.
 */
import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createAdminServices, type AdminServices } from './admin/admin-services.js';
import { applyConfig, type ApplyResult } from './admin/apply-config.js';
import type { ChangeNotifier } from './admin/ports.js';
import type { DeclaredConfig } from './config/load.js';
import { createHttpServer } from './http/server.js';
import { registerOAuthRoutes } from './http/public/oauth-routes.js';
import { registerAdminApi } from './http/admin-api/admin-api-routes.js';
import { CachedClientDirectory } from './oauth/client-directory.js';
import { createClientCredentialsGrant } from './oauth/grants/client-credentials/client-credentials-grant.js';
import { createGrantRegistry } from './oauth/grants/grant-registry.js';
import { createJwtBearerGrant } from './oauth/grants/jwt-bearer/jwt-bearer-grant.js';
import { createPasswordGrant } from './oauth/grants/password/password-grant.js';
import { createIntrospectionEndpoint } from './oauth/endpoints/introspection.js';
import { authorizationServerMetadata } from './oauth/endpoints/metadata.js';
import { createResourceEndpoints } from './oauth/endpoints/resource-endpoints.js';
import { createRevocationEndpoint } from './oauth/endpoints/revocation.js';
import { createTokenEndpoint } from './oauth/endpoints/token-endpoint.js';
import { DEFAULT_OAUTH_OPTIONS, type OAuthOptions } from './oauth/options.js';
import { AccessTokens } from './oauth/tokens/access-token.js';
import { loadSigningKeys } from './oauth/tokens/signing-keys.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import { migrateToLatest } from './storage/migrations/index.js';
import { openSqlite } from './storage/sqlite/sqlite-database.js';
import { SqliteTokenPath } from './storage/sqlite/sqlite-token-path.js';
import { SqlAdminStore } from './storage/sql/sql-admin-store.js';
import { SqlSigningKeyStore } from './storage/sql/sql-signing-key-store.js';

export interface StoreOptions {
  readonly dataDir: string;
  readonly synchronous?: 'FULL' | 'NORMAL';
}

/** Storage opened and migrated, with the admin services over it: what the CLI's offline commands need. */
export interface KeygateCore {
  readonly services: AdminServices;
  readonly clock: Clock;
  close(): Promise<void>;
}

interface OpenedStores {
  readonly admin: SqlAdminStore;
  readonly tokenPath: SqliteTokenPath;
  readonly signingKeys: SqlSigningKeyStore;
  close(): Promise<void>;
}

async function openStores(options: StoreOptions): Promise<OpenedStores> {
  const handle = openSqlite(options.dataDir, { synchronous: options.synchronous });
  await migrateToLatest(handle.db as never);
  const tokenPath = new SqliteTokenPath(handle.raw);
  return {
    admin: new SqlAdminStore(handle.db),
    tokenPath,
    signingKeys: new SqlSigningKeyStore(handle.db),
    async close() {
      tokenPath.close();
      await handle.db.destroy();
    },
  };
}

/** Opens the store and the admin services without serving HTTP (for `keygate init` and tests). */
export async function openKeygate(options: StoreOptions & { clock?: Clock; onChange?: () => Promise<void> }): Promise<KeygateCore> {
  const stores = await openStores(options);
  const clock = options.clock ?? systemClock;
  const notifier: ChangeNotifier = { changed: options.onChange ?? (async () => {}) };
  return {
    services: createAdminServices({ store: stores.admin, history: stores.admin, clock, notifier }),
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

/** Builds the whole server; `listen: false` leaves it unbound for in-process tests (`app.inject`). */
export async function buildKeygate(options: ServerOptions, listen = true): Promise<RunningKeygate> {
  checkListenSafety(options);
  const clock = options.clock ?? systemClock;
  const oauthOptions: OAuthOptions = { ...DEFAULT_OAUTH_OPTIONS, ...options.oauth };
  const stores = await openStores(options);
  let directory: CachedClientDirectory | null = null;
  const notifier: ChangeNotifier = { changed: async () => directory?.refresh() };
  const services = createAdminServices({ store: stores.admin, history: stores.admin, clock, notifier });
  try {
    const applied = options.config ? await applyConfig(services, options.config, { prune: options.prune ?? false }) : null;
    directory = await CachedClientDirectory.load(stores.admin);
    const keys = await loadSigningKeys(stores.signingKeys, clock.now());
    const tokens = new AccessTokens(keys, stores.tokenPath);
    const grantDeps = { directory, replay: stores.tokenPath, tokens, clock, options: oauthOptions };
    const grants = createGrantRegistry([createJwtBearerGrant(grantDeps), createClientCredentialsGrant(grantDeps), createPasswordGrant(grantDeps)]);
    const resources = createResourceEndpoints({ tokens, directory, nowSeconds: () => clock.epochSeconds() });
    const dir = directory;

    const app = createHttpServer(options.log, { trustedProxies: options.trustedProxies ?? [], tls: options.tls });
    await registerOAuthRoutes(app, {
      token: createTokenEndpoint({ grants, directory, history: stores.tokenPath, clock, log: options.log }),
      introspect: createIntrospectionEndpoint(grantDeps),
      revoke: createRevocationEndpoint(grantDeps),
      userinfo: resources.userinfo,
      identity: resources.identity,
      apiVersions: resources.apiVersions,
      metadata: () => authorizationServerMetadata(dir.org(), grants),
      jwks: () => keys.jwks,
    });
    await registerAdminApi(app, { services, bearer: { tokens, directory, nowSeconds: () => clock.epochSeconds() } });
    await app.ready();
    let url = '';
    if (listen) {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      url = `${options.tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
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

export function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: string; key: string } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('--tls-cert and --tls-key go together');
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
