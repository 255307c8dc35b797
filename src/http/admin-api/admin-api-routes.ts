/**
 * The admin REST API under `/admin/api/v1`: the org, users, External Client Apps with their
 * certificates, consumer secret, flows and policies, and the login history. Registered apart
 * from the public OAuth routes, in its own encapsulated Fastify context with its own
 * authentication hook and problem+json (RFC 9457) error handler. Every write goes through the
 * admin services, exactly as the console and the declarative configuration do.
 *
 * JSON bodies and responses are camelCase (unlike the OAuth wire, which keeps RFC snake_case);
 * apps are addressed by id or name, users by id or username. docs/admin-api.md describes each
 * route and openapi.ts is its machine-readable twin (a test keeps both in step with the routes).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import { AdminError } from '../../admin/admin-errors.js';
import type { AdminServices } from '../../admin/admin-services.js';
import { UpdateAppInput, UpdateUserInput, parseInput, type CreateAppInput, type CreateUserInput } from '../../admin/inputs.js';
import type { ExternalClientApp, FlowName } from '../../domain/app.js';
import type { LoginHistoryFilter } from '../../domain/login-event.js';
import type { User } from '../../domain/user.js';
import type { BearerDeps } from '../../oauth/endpoints/bearer-token.js';
import { HttpProblemError, adminJsonParser, jsonBody, sendAdminProblem } from './admin-api-problems.js';
import { authenticateAdmin, type AdminPrincipal } from './admin-authentication.js';
import { refuseLockout, type CallerAccess } from './admin-lockout.js';
import { renderLoginHistoryCsv } from './login-history-csv.js';
import { parseLoginHistoryQuery } from './login-history-query.js';
import { mergeAppPatch, mergeOrgPatch, mergeUserPatch } from './merge-patch.js';
import { ADMIN_API_OPENAPI } from './openapi.js';
import { registerReviewRoutes } from './review-routes.js';
import { toAppDto, toAppWithSecretDto, toCertificateDto, toLoginEventDto, toOrgDto, toUserDto } from './wire-mappers.js';

export const ADMIN_API_PREFIX = '/admin/api/v1';

/** Flow names as they appear in the path, mapped to the domain's names. */
export const FLOW_PATH_NAMES: Readonly<Record<string, FlowName>> = {
  'jwt-bearer': 'jwtBearer',
  'client-credentials': 'clientCredentials',
  'username-password': 'usernamePassword',
};

export interface AdminApiDeps {
  readonly services: AdminServices;
  /** Verifies the bearer token and resolves its app and user. */
  readonly bearer: BearerDeps;
}

type AppParams = { Params: { app: string } };
type UserParams = { Params: { user: string } };

const CertificateUpload = z.strictObject({ pem: z.string().min(1, 'must be a PEM certificate') });
const FlowSwitch = z.strictObject({ enabled: z.boolean() });

function isNotFound(err: unknown): boolean {
  return err instanceof AdminError && err.code === 'not_found';
}

/** An app by id, else by name. */
async function findApp(services: AdminServices, idOrName: string): Promise<ExternalClientApp> {
  try {
    return await services.apps.get({ id: idOrName });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    return await services.apps.get({ name: idOrName });
  } catch (err) {
    if (isNotFound(err)) throw new AdminError('not_found', `no External Client App with id or name "${idOrName}"`);
    throw err;
  }
}

/** A user by id, else by username. */
async function findUser(services: AdminServices, idOrUsername: string): Promise<User> {
  try {
    return await services.users.get({ id: idOrUsername });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    return await services.users.get({ username: idOrUsername });
  } catch (err) {
    if (isNotFound(err)) throw new AdminError('not_found', `no user with id or username "${idOrUsername}"`);
    throw err;
  }
}

async function appRef(services: AdminServices, idOrName: string): Promise<{ id: string }> {
  return { id: (await findApp(services, idOrName)).id };
}

/** An administrator cannot take away their own access: another administrator must do it. */
function refuseSelfLockout(principal: AdminPrincipal, target: User, change: Record<string, unknown> | 'delete'): void {
  if (target.id !== principal.userId) return;
  const losesAccess =
    change === 'delete' ||
    change.active === false ||
    change.locked === true ||
    (Array.isArray(change.permissions) && !change.permissions.includes('ManageUsers'));
  if (losesAccess) {
    throw new AdminError('conflict', 'you cannot remove your own administrator access (delete, deactivate, lock or drop ManageUsers); ask another administrator');
  }
}

/** The caller's own app and user, as their request was admitted under. */
async function callerAccess(services: AdminServices, principal: AdminPrincipal): Promise<CallerAccess> {
  return { app: await services.apps.get({ id: principal.appId }), user: await services.users.get({ id: principal.userId }) };
}

/**
 * Nor can they cut off the app their token comes from (admin-lockout.ts): `change` turns the
 * app as it stands into the app as the request would leave it. Other apps are not looked at.
 */
async function refuseAppLockout(
  services: AdminServices,
  principal: AdminPrincipal,
  target: ExternalClientApp,
  now: Date,
  change: (app: ExternalClientApp) => ExternalClientApp,
): Promise<void> {
  if (target.id !== principal.appId) return;
  const { user } = await callerAccess(services, principal);
  refuseLockout({ app: target, user }, { app: change(target), user }, principal.clientAddress, now);
}

/** The app an update would leave, once the update has passed the service's own schema. */
function updatedApp(app: ExternalClientApp, update: UpdateAppInput): ExternalClientApp {
  const parsed = parseInput(UpdateAppInput, update);
  return { ...app, ...parsed, flows: { ...app.flows, ...parsed.flows }, policies: { ...app.policies, ...parsed.policies } } as ExternalClientApp;
}

/** Nor change their own user so that their app no longer lets them in (login IP ranges, profile, permission sets). */
async function refuseUserLockout(services: AdminServices, principal: AdminPrincipal, target: User, update: UpdateUserInput, now: Date): Promise<void> {
  if (target.id !== principal.userId) return;
  const { app } = await callerAccess(services, principal);
  const after = { ...target, ...parseInput(UpdateUserInput, update) } as User;
  refuseLockout({ app, user: target }, { app, user: after }, principal.clientAddress, now);
}

/** The service reports an uploaded certificate as `certificate`; on this route the field is `pem`. */
async function asPemField<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AdminError && err.field === 'certificate') throw new AdminError(err.code, err.detail, 'pem');
    throw err;
  }
}

/** JSON unless the client asks for CSV (`?format=csv`, or an Accept header preferring text/csv). */
function historyFormat(req: FastifyRequest, requested: 'json' | 'csv' | undefined): 'json' | 'csv' {
  if (requested) return requested;
  const accept = req.headers.accept;
  if (!accept) return 'json';
  const ranges = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { type } of ranges) {
    if (type === 'text/csv' || type === 'text/*') return 'csv';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
  }
  throw new HttpProblemError('not_acceptable', 'the login history is available as application/json or text/csv');
}

async function historyFilter(services: AdminServices, query: ReturnType<typeof parseLoginHistoryQuery>): Promise<LoginHistoryFilter> {
  // A known app or user is matched by id; otherwise the value is matched as a name, so that
  // rows of a deleted app stay searchable.
  const app = query.app === undefined ? undefined : await findApp(services, query.app).catch((err) => (isNotFound(err) ? null : Promise.reject(err)));
  const user = query.user === undefined ? undefined : await findUser(services, query.user).catch((err) => (isNotFound(err) ? null : Promise.reject(err)));
  return {
    ...(app && { appId: app.id }),
    ...(app === null && { appName: query.app }),
    ...(user ? { username: user.username } : user === null ? { username: query.user } : {}),
    ...(query.outcome && { outcome: query.outcome }),
    ...(query.grant && { grant: query.grant }),
    ...(query.since && { since: query.since }),
    ...(query.until && { until: query.until }),
    limit: query.limit,
    offset: query.offset,
  };
}

/**
 * A request no admin route took. When the path is a route's, under another method, the answer
 * is 405 with `Allow` naming the methods it takes (RFC 9110 §15.5.6), asked of the router itself
 * so that no list of methods is kept beside the routes; otherwise 404.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6
 */
function refuseUnrouted(api: FastifyInstance, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0];
  const allowed = (api.supportedMethods as HTTPMethods[]).filter((method) => api.findRoute({ method, url: req.url }) !== null).sort();
  if (allowed.length === 0) return sendAdminProblem(new AdminError('not_found', `no route for ${req.method} ${path}`), req, reply);
  const allow = allowed.join(', ');
  reply.header('allow', allow);
  return sendAdminProblem(new HttpProblemError('method_not_allowed', `${path} does not take ${req.method}; it takes ${allow}`), req, reply);
}

function created(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(201).header('location', location);
}

/** Registers the admin API in its own encapsulated context under {@link ADMIN_API_PREFIX}. */
export async function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): Promise<void> {
  const { services } = deps;
  const now = (): Date => new Date(deps.bearer.nowSeconds() * 1000);
  await app.register(
    async (api) => {
      api.setErrorHandler((error, req, reply) => sendAdminProblem(error, req, reply));
      api.setNotFoundHandler((req, reply) => refuseUnrouted(api, req, reply));
      api.addContentTypeParser('application/json', { parseAs: 'buffer' }, adminJsonParser(api.getDefaultJsonParser('error', 'error')));
      api.addHook('onRequest', async (_req, reply) => {
        // Admin responses describe credentials and users: never cached by a browser or proxy.
        reply.header('cache-control', 'no-store');
      });

      // The description of the API is public; it holds no org data.
      api.get('/openapi.json', async () => ADMIN_API_OPENAPI);

      await api.register(async (secured) => {
        const principals = new WeakMap<FastifyRequest, AdminPrincipal>();
        const principal = (req: FastifyRequest): AdminPrincipal => principals.get(req)!;
        secured.addHook('onRequest', async (req) => {
          principals.set(req, await authenticateAdmin(req, deps.bearer));
        });

        // Org
        secured.get('/org', async () => toOrgDto(await services.orgs.get()));
        secured.patch('/org', async (req) => {
          const body = jsonBody(req);
          return toOrgDto(await services.orgs.upsert(mergeOrgPatch(await services.orgs.get(), body)));
        });

        // Users
        secured.get('/users', async () => ({ items: (await services.users.list()).map(toUserDto) }));
        secured.post('/users', async (req, reply) => {
          const user = await services.users.create(jsonBody(req) as CreateUserInput);
          return created(reply, `${ADMIN_API_PREFIX}/users/${user.id}`).send(toUserDto(user));
        });
        secured.get<UserParams>('/users/:user', async (req) => toUserDto(await findUser(services, req.params.user)));
        secured.patch<UserParams>('/users/:user', async (req) => {
          const body = jsonBody(req);
          const target = await findUser(services, req.params.user);
          refuseSelfLockout(principal(req), target, body);
          const update = mergeUserPatch(target, body);
          await refuseUserLockout(services, principal(req), target, update, now());
          return toUserDto(await services.users.update({ id: target.id }, update));
        });
        secured.delete<UserParams>('/users/:user', async (req, reply) => {
          const target = await findUser(services, req.params.user);
          refuseSelfLockout(principal(req), target, 'delete');
          await services.users.delete({ id: target.id });
          return reply.code(204).send();
        });

        // External Client Apps
        secured.get('/apps', async () => ({ items: (await services.apps.list()).map(toAppDto) }));
        secured.post('/apps', async (req, reply) => {
          const { app: createdApp, consumerSecret } = await services.apps.create(jsonBody(req) as CreateAppInput);
          const body = consumerSecret ? toAppWithSecretDto(createdApp, consumerSecret) : toAppDto(createdApp);
          return created(reply, `${ADMIN_API_PREFIX}/apps/${createdApp.id}`).send(body);
        });
        secured.get<AppParams>('/apps/:app', async (req) => toAppDto(await findApp(services, req.params.app)));
        secured.patch<AppParams>('/apps/:app', async (req) => {
          const body = jsonBody(req);
          const target = await findApp(services, req.params.app);
          const update = mergeAppPatch(target, body);
          await refuseAppLockout(services, principal(req), target, now(), (app) => updatedApp(app, update));
          return toAppDto(await services.apps.update({ id: target.id }, update));
        });
        secured.delete<AppParams>('/apps/:app', async (req, reply) => {
          const target = await findApp(services, req.params.app);
          if (target.id === principal(req).appId) {
            throw new AdminError('conflict', 'this is the app your access token comes from; delete it with a token from another app');
          }
          await services.apps.delete({ id: target.id });
          return reply.code(204).send();
        });

        // Consumer secret: shown once, in the response that issues it.
        secured.post<AppParams>('/apps/:app/secret', async (req) => {
          const { app: updated, consumerSecret } = await services.apps.rotateSecret(await appRef(services, req.params.app));
          return toAppWithSecretDto(updated, consumerSecret!);
        });
        secured.delete<AppParams>('/apps/:app/secret', async (req, reply) => {
          await services.apps.removeSecret(await appRef(services, req.params.app));
          return reply.code(204).send();
        });

        // Certificates
        secured.get<AppParams>('/apps/:app/certificates', async (req) => ({
          items: (await findApp(services, req.params.app)).certificates.map(toCertificateDto),
        }));
        secured.post<AppParams>('/apps/:app/certificates', async (req, reply) => {
          const { pem } = parseInput(CertificateUpload, jsonBody(req));
          const ref = await appRef(services, req.params.app);
          const certificate = await asPemField(() => services.apps.addCertificate(ref, pem));
          return created(reply, `${ADMIN_API_PREFIX}/apps/${ref.id}/certificates/${certificate.id}`).send(toCertificateDto(certificate));
        });
        secured.delete<{ Params: { app: string; certificate: string } }>('/apps/:app/certificates/:certificate', async (req, reply) => {
          // Removing the caller's app's last valid certificate is already refused (certificate_required).
          await services.apps.removeCertificate(await appRef(services, req.params.app), req.params.certificate);
          return reply.code(204).send();
        });

        // Flows and policies
        secured.put<{ Params: { app: string; flow: string } }>('/apps/:app/flows/:flow', async (req) => {
          // Own keys only: `constructor` or `__proto__` must not reach the service as a flow name.
          const flow = Object.hasOwn(FLOW_PATH_NAMES, req.params.flow) ? FLOW_PATH_NAMES[req.params.flow] : undefined;
          if (!flow) throw new AdminError('not_found', `no flow named "${req.params.flow}"; use one of ${Object.keys(FLOW_PATH_NAMES).join(', ')}`);
          const { enabled } = parseInput(FlowSwitch, jsonBody(req));
          const target = await findApp(services, req.params.app);
          await refuseAppLockout(services, principal(req), target, now(), (app) => ({ ...app, flows: { ...app.flows, [flow]: enabled } }));
          return toAppDto(await services.apps.setFlow({ id: target.id }, flow, enabled));
        });
        secured.patch<AppParams>('/apps/:app/policies', async (req) => {
          const body = jsonBody(req);
          const target = await findApp(services, req.params.app);
          const update = mergeAppPatch(target, { policies: body });
          await refuseAppLockout(services, principal(req), target, now(), (app) => updatedApp(app, update));
          return toAppDto(await services.apps.update({ id: target.id }, update));
        });

        // Login history
        secured.get('/login-history', async (req, reply) => {
          const query = parseLoginHistoryQuery(req.query as Record<string, unknown>);
          const format = historyFormat(req, query.format);
          const { events, total } = await services.history.queryLoginHistory(await historyFilter(services, query));
          if (format === 'csv') {
            return reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', 'attachment; filename="login-history.csv"')
              .header('x-total-count', String(total))
              .send(renderLoginHistoryCsv(events));
          }
          return { items: events.map(toLoginEventDto), total, limit: query.limit, offset: query.offset };
        });

        registerReviewRoutes(secured, services, (req, target, change) => refuseAppLockout(services, principal(req), target, now(), change));
      });
    },
    { prefix: ADMIN_API_PREFIX },
  );
}
