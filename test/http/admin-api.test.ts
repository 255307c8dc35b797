/**
 * The admin REST API (/admin/api/v1) on a real Keygate (SQLite in a temp directory, frozen
 * clock), driven in-process. Tokens come from Keygate's own token endpoint with JWT Bearer
 * assertions, exactly as the CLI gets them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ADMIN_API_PREFIX, registerAdminApi } from '../../src/http/admin-api/admin-api-routes.js';
import { ADMIN_API_OPENAPI } from '../../src/http/admin-api/openapi.js';
import { MAX_CERTIFICATES_PER_APP } from '../../src/domain/app.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { generateWeakRsaCertificatePem } from './weak-certificate.js';
import { type AdminMethod, adminCliApp, adminRequest, jwtBearerToken, requestJwtBearerToken } from '../helpers/admin-api-client.js';
import { expectProblem } from '../helpers/expect-problem.js';

const BASE_URL = 'https://keygate.test';
const ADMIN = 'admin@acme.test';
const HELPER = 'helper@acme.test';
const API = ADMIN_API_PREFIX;
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('admin API', () => {
  const clock = new FixedClock(Math.floor(Date.now() / 1000) * 1000);
  let server: RunningKeygate;
  let dataDir: string;
  let adminKey: string;
  let reportingKey: string;
  let adminToken: string;

  const requestToken = (clientId: string, username: string, key: string, audience = BASE_URL) =>
    requestJwtBearerToken(server, { clientId, username, key, audience, clock });
  const tokenFor = (clientId: string, username: string, key: string) => jwtBearerToken(server, { clientId, username, key, audience: BASE_URL, clock });
  const api = (method: AdminMethod, path: string, body?: unknown, token = adminToken) => adminRequest(server, token, method, path, body);

  beforeAll(async () => {
    const notBefore = new Date(clock.now().getTime() - 60_000);
    const admin = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'admin-cli', days: 30, notBefore });
    const reporting = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'reporting', days: 30, notBefore });
    adminKey = admin.privateKeyPem;
    reportingKey = reporting.privateKeyPem;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-admin-api-'));
    const config = parseConfig(
      JSON.stringify({
        org: { baseUrl: BASE_URL },
        users: [
          { username: ADMIN, profile: 'System Administrator', permissions: ['ApiEnabled', 'ManageUsers'] },
          { username: HELPER, profile: 'System Administrator', permissions: ['ApiEnabled'] },
        ],
        apps: [
          adminCliApp(admin.certificatePem),
          {
            name: 'Reporting',
            consumerKey: 'reporting',
            scopes: ['api'],
            certificates: [{ pem: reporting.certificatePem }],
            flows: { jwtBearer: true },
            policies: { profiles: ['System Administrator'] },
          },
        ],
      }),
      { baseDir: dataDir, env: {} },
    );
    server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);
    adminToken = await tokenFor('admin-cli', ADMIN, adminKey);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('authentication (RFC 6750 §3)', () => {
    it('refuses a request without a token: 401 problem with a bare Bearer challenge', async () => {
      const res = await server.app.inject({ method: 'GET', url: `${API}/apps` });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin"');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/unauthorized',
        title: 'Authentication required',
        status: 401,
        code: 'unauthorized',
        detail: 'send an access token with the admin scope as "Authorization: Bearer <token>"',
      });
    });

    it('refuses a token that is not one of ours: 401 invalid_token', async () => {
      const res = await api('GET', '/apps', undefined, 'not-a-real-token');
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin", error="invalid_token"');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/unauthorized',
        title: 'Authentication required',
        status: 401,
        code: 'unauthorized',
        detail: 'the access token was refused: the access token is invalid',
      });
    });

    it('refuses Basic credentials: only bearer tokens are accepted', async () => {
      const res = await server.app.inject({ method: 'GET', url: `${API}/apps`, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      // Another scheme carries no bearer token: the bare challenge, as for no credentials (RFC 6750 §3.1).
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin"');
      expect(res.json().code).toBe('unauthorized');
    });

    it('refuses a valid token without the admin scope: 403 insufficient_scope', async () => {
      const token = await tokenFor('reporting', ADMIN, reportingKey);
      const res = await api('GET', '/apps', undefined, token);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin", error="insufficient_scope", scope="admin"');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        code: 'forbidden',
        detail: 'the access token lacks the "admin" scope; request a token with scope=admin from an app that grants it',
      });
    });

    it('refuses an admin-scoped token whose user lacks ManageUsers: 403', async () => {
      const token = await tokenFor('admin-cli', HELPER, adminKey);
      const res = await api('GET', '/users', undefined, token);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="keygate-admin", error="insufficient_scope", scope="admin"');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        code: 'forbidden',
        detail: "the token's user may not administer Keygate: the ManageUsers permission is required",
      });
    });

    it('accepts a token with the admin scope for a ManageUsers user', async () => {
      const res = await api('GET', '/org');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toMatchObject({ baseUrl: BASE_URL, clockSkewSeconds: 30 });
    });
  });

  describe('OpenAPI document', () => {
    it('is served without a token at /admin/api/v1/openapi.json', async () => {
      const res = await server.app.inject({ method: 'GET', url: `${API}/openapi.json` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ openapi: '3.1.0', servers: [{ url: API }] });
    });

    it('documents 401 and 403 on every operation that needs a token, and on no other', async () => {
      const operations = Object.entries(ADMIN_API_OPENAPI.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => method !== 'parameters')
          .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op: op as { security?: unknown[]; responses: Record<string, unknown> } })),
      );
      const open = operations.filter(({ op }) => op.security?.length === 0).map(({ name }) => name);
      expect(open).toEqual(['GET /openapi.json']);
      for (const { name, op } of operations) {
        const secured = op.security?.length !== 0;
        expect(Object.keys(op.responses).includes('401'), name).toBe(secured);
        expect(Object.keys(op.responses).includes('403'), name).toBe(secured);
      }
    });

    it('lists every registered admin route, and no route that is not registered', async () => {
      const registered = new Set<string>();
      const bare = Fastify();
      bare.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method === 'HEAD') continue;
          const path = route.url.slice(API.length).replace(/:([A-Za-z]+)/g, '{$1}');
          registered.add(`${method} ${path}`);
        }
      });
      await registerAdminApi(bare, { services: server.services, bearer: {} as never });
      await bare.ready();
      const documented = new Set<string>();
      for (const [path, item] of Object.entries(ADMIN_API_OPENAPI.paths)) {
        for (const method of Object.keys(item)) {
          if (method !== 'parameters') documented.add(`${method.toUpperCase()} ${path}`);
        }
      }
      expect([...registered].sort()).toEqual([...documented].sort());
      await bare.close();
    });
  });

  describe('org', () => {
    it('PATCH changes a setting and GET shows it', async () => {
      const res = await api('PATCH', '/org', { clockSkewSeconds: 45 });
      expect(res.statusCode).toBe(200);
      expect(res.json().clockSkewSeconds).toBe(45);
      const org = (await api('GET', '/org')).json();
      expect(org).toMatchObject({ clockSkewSeconds: 45, baseUrl: BASE_URL });
      // Fields the request leaves out keep their value.
      await api('PATCH', '/org', { name: 'Acme', maxAssertionLifetimeSeconds: 120 });
      expect((await api('PATCH', '/org', { extraAudiences: ['https://login.salesforce.com'] })).json()).toMatchObject({
        name: 'Acme',
        maxAssertionLifetimeSeconds: 120,
        clockSkewSeconds: 45,
        extraAudiences: ['https://login.salesforce.com'],
      });
      await api('PATCH', '/org', { maxAssertionLifetimeSeconds: 300, extraAudiences: [] });
      await api('PATCH', '/org', { clockSkewSeconds: 30 });
    });

    it('refuses an out-of-range value, naming the field', async () => {
      const res = await api('PATCH', '/org', { clockSkewSeconds: 9999 });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'clockSkewSeconds', status: 422 });
      expect(res.json().detail).toMatch(/^clockSkewSeconds: /);
    });

    it.each([
      ['https://keygate.test?x=1', 'baseUrl: must not have a query or a fragment'],
      ['https://keygate.test/#top', 'baseUrl: must not have a query or a fragment'],
      ['https://admin:secret@keygate.test', 'baseUrl: must not contain a user name or password'],
      ['https://keygate.test/a/../b', 'baseUrl: must be written in normal form: https://keygate.test/b'],
      ['http://Keygate.ACME.test', 'baseUrl: must be written in normal form: http://keygate.acme.test'],
      ['notaurl', 'baseUrl: must be an http(s) URL'],
    ])('refuses %s as the issuer (RFC 8414 §2) and keeps the one it has', async (baseUrl, detail) => {
      expectProblem(await api('PATCH', '/org', { baseUrl }), 422, { code: 'validation_failed', field: 'baseUrl', detail });
      expect((await api('GET', '/org')).json().baseUrl).toBe(BASE_URL);
      expect((await server.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json().issuer).toBe(BASE_URL);
    });
  });

  describe('users', () => {
    it('treats usernames as case-insensitive, as Salesforce does: a second spelling is refused, and an assertion\'s sub in any case names the user', async () => {
      expect((await api('POST', '/users', { username: 'Dup@Acme.test' })).statusCode).toBe(201);
      expectProblem(await api('POST', '/users', { username: 'dup@acme.test' }), 409, {
        code: 'conflict',
        field: 'username',
        detail: 'a user named "dup@acme.test" already exists as "Dup@Acme.test" (usernames do not differ by letter case)',
      });
      expect((await api('GET', '/users/DUP@ACME.TEST')).json()).toMatchObject({ username: 'Dup@Acme.test' });
      expect((await api('GET', '/users')).json().items.filter((u: { username: string }) => u.username.toLowerCase() === 'dup@acme.test')).toHaveLength(1);
      expect((await api('DELETE', '/users/dup@acme.test')).statusCode).toBe(204);

      const token = await tokenFor('admin-cli', ADMIN.toUpperCase(), adminKey);
      expect((await api('GET', '/org', undefined, token)).statusCode).toBe(200);
      const rows = (await api('GET', `/login-history?user=${encodeURIComponent(ADMIN)}&limit=1`)).json().items;
      expect(rows[0]).toMatchObject({ username: ADMIN, outcome: 'success' });
    });

    it('creates, shows (by username and id), lists, updates and deletes a user; never returns the password hash', async () => {
      const created = await api('POST', '/users', {
        username: 'erp@acme.test',
        profile: 'Integration',
        permissionSets: ['ERP Access'],
        password: 'correct horse battery staple',
      });
      expect(created.statusCode).toBe(201);
      const user = created.json();
      expect(created.headers.location).toBe(`${API}/users/${user.id}`);
      expect(user).toEqual({
        id: expect.stringMatching(/^005/),
        username: 'erp@acme.test',
        email: 'erp@acme.test',
        profile: 'Integration',
        permissionSets: ['ERP Access'],
        permissions: [],
        active: true,
        locked: false,
        loginIpRanges: [],
        approvedApps: [],
        hasPassword: true,
        totpEnabled: false,
      });
      expect(created.body).not.toMatch(/scrypt|passwordHash|correct horse/);

      expect((await api('GET', '/users/erp@acme.test')).json()).toEqual(user);
      expect((await api('GET', `/users/${user.id}`)).json()).toEqual(user);
      const list = await api('GET', '/users');
      expect(list.json().items.map((u: { username: string }) => u.username)).toContain('erp@acme.test');
      expect(list.body).not.toMatch(/scrypt|passwordHash|totpSecret/);

      const locked = await api('PATCH', '/users/erp@acme.test', { locked: true, loginIpRanges: ['10.0.0.0/8'] });
      expect(locked.statusCode).toBe(200);
      // A PATCH changes only what it names.
      expect(locked.json()).toEqual({ ...user, locked: true, loginIpRanges: ['10.0.0.0/8'] });

      expect((await api('DELETE', '/users/erp@acme.test')).statusCode).toBe(204);
      const gone = await api('GET', '/users/erp@acme.test');
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toMatchObject({ code: 'not_found', detail: 'no user with id or username "erp@acme.test"' });
    });

    it('refuses a duplicate username with 409 conflict', async () => {
      const res = await api('POST', '/users', { username: HELPER });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict', field: 'username', detail: `a user named "${HELPER}" already exists` });
    });

    it('names the invalid field of a user', async () => {
      const res = await api('POST', '/users', { username: 'x@acme.test', loginIpRanges: ['not-a-cidr'] });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'loginIpRanges.0' });
      const email = await api('PATCH', `/users/${HELPER}`, { email: 'nope' });
      expect(email.statusCode).toBe(422);
      expect(email.json()).toMatchObject({ code: 'validation_failed', field: 'email' });
      const typo = await api('PATCH', `/users/${HELPER}`, { emial: 'x@acme.test' });
      expect(typo.statusCode).toBe(422);
      expect(typo.json()).toMatchObject({ code: 'validation_failed' });
      expect(typo.json().detail).toContain('emial');
    });

    it('refuses to let an administrator lock out themselves', async () => {
      for (const change of [{ active: false }, { locked: true }, { permissions: ['ApiEnabled'] }]) {
        const res = await api('PATCH', `/users/${ADMIN}`, change);
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe('conflict');
      }
      expect((await api('DELETE', `/users/${ADMIN}`)).statusCode).toBe(409);
      expect((await api('GET', `/users/${ADMIN}`)).json()).toMatchObject({ active: true, locked: false });
    });
  });

  describe('apps and the consumer secret', () => {
    it('shows a generated consumer secret once, at creation and on rotation, never in GET or list', async () => {
      const created = await api('POST', '/apps', { name: 'Legacy Sync', scopes: ['api'], generateSecret: true, contactEmail: 'ops@acme.test' });
      expect(created.statusCode).toBe(201);
      const app = created.json();
      expect(created.headers.location).toBe(`${API}/apps/${app.id}`);
      expect(app).toMatchObject({ name: 'Legacy Sync', hasConsumerSecret: true, contactEmail: 'ops@acme.test', flows: { jwtBearer: false, clientCredentials: false, usernamePassword: false } });
      expect(app.consumerSecret).toEqual(expect.any(String));
      expect(app.consumerSecret.length).toBeGreaterThanOrEqual(32);
      expect(Object.keys(app)).not.toContain('consumerSecretHash');

      for (const path of ['/apps/Legacy%20Sync', `/apps/${app.id}`, '/apps']) {
        const res = await api('GET', path);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(app.consumerSecret);
        expect(res.body).not.toMatch(/consumerSecret"|consumerSecretHash|scrypt/);
      }
      expect((await api('GET', '/apps/Legacy%20Sync')).json().hasConsumerSecret).toBe(true);

      const rotated = await api('POST', '/apps/Legacy%20Sync/secret');
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().consumerSecret).toEqual(expect.any(String));
      expect(rotated.json().consumerSecret).not.toBe(app.consumerSecret);
      expect((await api('GET', '/apps/Legacy%20Sync')).body).not.toContain(rotated.json().consumerSecret);

      expect((await api('DELETE', '/apps/Legacy%20Sync/secret')).statusCode).toBe(204);
      expect((await api('GET', '/apps/Legacy%20Sync')).json()).toMatchObject({ hasConsumerSecret: false, consumerSecretCreatedAt: null });
    });

    it('creates an app without a secret, updates it, and deletes it', async () => {
      const created = await api('POST', '/apps', { name: 'Temp App' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).not.toHaveProperty('consumerSecret');
      expect(created.json().hasConsumerSecret).toBe(false);
      const updated = await api('PATCH', '/apps/Temp%20App', { scopes: ['api', 'refresh_token'], accessTokenFormat: 'opaque', requireJti: false });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ scopes: ['api', 'refresh_token'], accessTokenFormat: 'opaque', requireJti: false });
      const contact = await api('PATCH', '/apps/Temp%20App', { contactEmail: 'it@acme.test' });
      expect(contact.json()).toMatchObject({ contactEmail: 'it@acme.test', scopes: ['api', 'refresh_token'], accessTokenFormat: 'opaque', requireJti: false });
      expect((await api('DELETE', '/apps/Temp%20App')).statusCode).toBe(204);
      expect((await api('GET', '/apps/Temp%20App')).json()).toMatchObject({ status: 404, code: 'not_found', detail: 'no External Client App with id or name "Temp App"' });
    });

    it('refuses a new app or user named with the id of another, which id-or-name lookups would confuse', async () => {
      const reporting = (await api('GET', '/apps/Reporting')).json();
      expectProblem(await api('POST', '/apps', { name: reporting.id }), 409, { code: 'conflict', field: 'name', detail: "that name is another app's id" });
      expect((await api('GET', `/apps/${reporting.id}`)).json().name).toBe('Reporting');
      const helper = (await api('GET', `/users/${encodeURIComponent(HELPER)}`)).json();
      expectProblem(await api('POST', '/users', { username: helper.id }), 409, { code: 'conflict', field: 'username', detail: "that username is another user's id" });
      expect((await api('GET', `/users/${helper.id}`)).json().username).toBe(HELPER);
    });

    it('refuses the Client Credentials flow without a run-as user, or with one that does not exist', async () => {
      const none = await api('POST', '/apps', { name: 'CC None', flows: { clientCredentials: true } });
      expectProblem(none, 422, { code: 'validation_failed', field: 'clientCredentialsRunAs' });
      const ghost = await api('POST', '/apps', { name: 'CC Ghost', flows: { clientCredentials: true }, clientCredentialsRunAs: 'nobody@acme.test' });
      const detail = 'the run-as user "nobody@acme.test" does not exist: create the user first';
      expectProblem(ghost, 422, { code: 'validation_failed', field: 'clientCredentialsRunAs', detail });
      expect((await api('GET', '/apps/CC%20Ghost')).statusCode).toBe(404);
    });

    it('refuses a run-as user that does not exist while the Client Credentials flow is off too, on create and on update', async () => {
      const detail = 'the run-as user "nobody@acme.test" does not exist: create the user first';
      const create = await api('POST', '/apps', { name: 'CC Later', clientCredentialsRunAs: 'nobody@acme.test' });
      expectProblem(create, 422, { code: 'validation_failed', field: 'clientCredentialsRunAs', detail });
      expectProblem(await api('GET', '/apps/CC%20Later'), 404, { code: 'not_found' });
      expect((await api('POST', '/apps', { name: 'CC Later', flows: { clientCredentials: false } })).statusCode).toBe(201);
      const update = await api('PATCH', '/apps/CC%20Later', { clientCredentialsRunAs: 'nobody@acme.test' });
      expectProblem(update, 422, { code: 'validation_failed', field: 'clientCredentialsRunAs', detail });
      expect((await api('GET', '/apps/CC%20Later')).json()).toMatchObject({ clientCredentialsRunAs: null, flows: { clientCredentials: false } });
      expect((await api('PATCH', '/apps/CC%20Later', { clientCredentialsRunAs: HELPER })).json()).toMatchObject({ clientCredentialsRunAs: HELPER });
      expect((await api('PUT', '/apps/CC%20Later/flows/client-credentials', { enabled: true })).json()).toMatchObject({ flows: { clientCredentials: true } });
      expect((await api('DELETE', '/apps/CC%20Later')).statusCode).toBe(204);
    });

    it('refuses to delete a user an app\'s Client Credentials flow runs as, whatever the flow switch says, until the app names another', async () => {
      expect((await api('POST', '/users', { username: 'leaver@acme.test' })).statusCode).toBe(201);
      expect((await api('POST', '/apps', { name: 'CC Leaver', clientCredentialsRunAs: 'leaver@acme.test' })).statusCode).toBe(201);
      expect((await api('POST', '/apps', { name: 'CC Leaver Too', clientCredentialsRunAs: 'LEAVER@acme.test' })).statusCode).toBe(201);
      const detail = 'the Client Credentials flow of "CC Leaver", "CC Leaver Too" runs as this user: give it another run-as user first';
      expectProblem(await api('DELETE', '/users/leaver@acme.test'), 409, { code: 'conflict', detail });
      expect((await api('GET', '/users/leaver@acme.test')).statusCode).toBe(200);
      expect((await api('DELETE', '/apps/CC%20Leaver%20Too')).statusCode).toBe(204);
      expect((await api('PATCH', '/apps/CC%20Leaver', { clientCredentialsRunAs: null })).json()).toMatchObject({ clientCredentialsRunAs: null });
      expect((await api('DELETE', '/users/leaver@acme.test')).statusCode).toBe(204);
      expect((await api('DELETE', '/apps/CC%20Leaver')).statusCode).toBe(204);
    });

    it('refuses to delete the app the caller\'s token comes from', async () => {
      const res = await api('DELETE', '/apps/Admin%20CLI');
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('conflict');
    });

    it.each([
      ['PUT', '/apps/Admin%20CLI/flows/jwt-bearer', { enabled: false }],
      ['PATCH', '/apps/Admin%20CLI', { flows: { jwtBearer: false } }],
      ['PATCH', '/apps/Admin%20CLI', { scopes: ['api'] }],
      ['PATCH', '/apps/Admin%20CLI/policies', { trustedIpRanges: ['10.0.0.0/8'] }],
      ['PATCH', '/apps/Admin%20CLI', { policies: { trustedIpRanges: ['192.0.2.0/24'] } }],
      ['PATCH', '/apps/Admin%20CLI/policies', { profiles: ['Standard User'] }],
      ['PATCH', '/apps/Admin%20CLI/policies', { permittedUsers: 'selfAuthorized' }],
      ['PATCH', `/users/${ADMIN}`, { loginIpRanges: ['10.0.0.0/8'] }],
      ['PATCH', `/users/${ADMIN}`, { profile: 'Standard User' }],
    ] as const)('refuses %s %s %j, which would cut off the app the caller\'s token comes from', async (method, path, body) => {
      expectProblem(await api(method, path, body), 409, { code: 'conflict', detail: /^this is the app your access token comes from, and this change would lock you out of the admin API: / });
      expect((await api('GET', '/apps/Admin%20CLI')).json()).toMatchObject({
        scopes: ['admin', 'api'],
        flows: { jwtBearer: true },
        policies: { permittedUsers: 'adminApproved', profiles: ['System Administrator'], trustedIpRanges: [] },
      });
      expect((await api('GET', `/users/${ADMIN}`)).json()).toMatchObject({ profile: 'System Administrator', loginIpRanges: [] });
      expect(await tokenFor('admin-cli', ADMIN, adminKey)).toEqual(expect.any(String));
    });

    it('names why a change to the caller\'s own app would lock them out', async () => {
      expectProblem(await api('PATCH', '/apps/Admin%20CLI/policies', { trustedIpRanges: ['10.0.0.0/8'] }), 409, {
        code: 'conflict',
        detail: /your address 127\.0\.0\.1 would be outside the app's trusted IP ranges/,
      });
      expectProblem(await api('PATCH', '/apps/Admin%20CLI/policies', { profiles: ['Standard User'] }), 409, { code: 'conflict', detail: /permitted-users policy would no longer admit your user/ });
    });

    it('allows changes to the caller\'s own app that keep letting them in, and the same changes on another app', async () => {
      const own = await api('PATCH', '/apps/Admin%20CLI/policies', { trustedIpRanges: ['127.0.0.1/32'], profiles: ['System Administrator', 'Standard User'] });
      expect(own.statusCode, own.body).toBe(200);
      expect((await api('GET', '/apps')).statusCode).toBe(200);
      expect((await api('PATCH', '/apps/Admin%20CLI/policies', { trustedIpRanges: [], profiles: ['System Administrator'] })).statusCode).toBe(200);
      const other = await api('PATCH', '/apps/Reporting/policies', { trustedIpRanges: ['10.0.0.0/8'], profiles: ['Standard User'] });
      expect(other.statusCode, other.body).toBe(200);
      expect((await api('PATCH', '/apps/Reporting/policies', { trustedIpRanges: [], profiles: ['System Administrator'] })).statusCode).toBe(200);
      expect((await api('PATCH', `/users/${HELPER}`, { loginIpRanges: ['10.0.0.0/8'] })).statusCode).toBe(200);
      expect((await api('PATCH', `/users/${HELPER}`, { loginIpRanges: [] })).statusCode).toBe(200);
    });

    it.each([
      ['/apps', { name: '\u001b[31mRED\u001b[0m' }, 'name'],
      ['/apps', { name: 'A\u0000B' }, 'name'],
      ['/apps', { name: 'Ok', policies: { profiles: ['Integ\u0085ration'] } }, 'policies.profiles.0'],
      ['/users', { username: 'a\nb@acme.test' }, 'username'],
    ])('refuses control characters in a name (POST %s %j), which would reach terminals and reports', async (path, body, field) => {
      expectProblem(await api('POST', path, body), 422, { code: 'validation_failed', field, detail: `${field}: must not contain control characters` });
      expect(JSON.stringify((await api('GET', path)).json())).not.toMatch(/RED|A\\u0000B|a\\nb@/);
    });

    it('names the invalid field of an app, with its dotted path', async () => {
      const scopes = await api('POST', '/apps', { name: 'Bad', scopes: 'api' });
      expect(scopes.statusCode).toBe(422);
      expect(scopes.json()).toMatchObject({ code: 'validation_failed', field: 'scopes' });
      const policy = await api('PATCH', '/apps/Reporting/policies', { sessionTimeoutMinutes: 0 });
      expect(policy.statusCode).toBe(422);
      expect(policy.json()).toMatchObject({ code: 'validation_failed', field: 'policies.sessionTimeoutMinutes' });
      const flag = await api('PUT', '/apps/Reporting/flows/jwt-bearer', { enabled: 'yes' });
      expect(flag.statusCode).toBe(422);
      expect(flag.json()).toMatchObject({ code: 'validation_failed', field: 'enabled' });
    });

    it('reads lists as bounded sets: an entry given twice, or too many entries, is refused with its path', async () => {
      expectProblem(await api('POST', '/apps', { name: 'Twice', scopes: ['api', 'api'] }), 422, {
        code: 'validation_failed',
        field: 'scopes.1',
        detail: 'scopes.1: "api" is listed twice',
      });
      const ranges = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`);
      expectProblem(await api('PATCH', '/apps/Reporting/policies', { trustedIpRanges: ranges }), 422, {
        code: 'validation_failed',
        field: 'policies.trustedIpRanges',
        detail: 'policies.trustedIpRanges: must hold at most 100 entries',
      });
      expectProblem(await api('PATCH', '/users/helper@acme.test', { permissions: ['ApiEnabled', ' ApiEnabled'] }), 422, {
        code: 'validation_failed',
        field: 'permissions.1',
        detail: 'permissions.1: "ApiEnabled" is listed twice',
      });
      expect((await api('GET', '/apps/Reporting')).json().policies.trustedIpRanges).toEqual([]);
      expect((await api('GET', '/apps/Twice')).statusCode).toBe(404);
    });

    it('changes policies with PATCH /apps/{app}/policies', async () => {
      const res = await api('PATCH', '/apps/Reporting/policies', { ipRelaxation: 'relax', sessionTimeoutMinutes: 30 });
      expect(res.statusCode).toBe(200);
      expect(res.json().policies).toMatchObject({ ipRelaxation: 'relax', sessionTimeoutMinutes: 30, profiles: ['System Administrator'] });
      await api('PATCH', '/apps/Reporting/policies', { ipRelaxation: 'enforce', sessionTimeoutMinutes: 60 });
    });

    it('answers 404 for an unknown flow name', async () => {
      const res = await api('PUT', '/apps/Reporting/flows/implicit', { enabled: true });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', detail: 'no flow named "implicit"; use one of jwt-bearer, client-credentials, username-password' });
    });
  });

  describe('certificates and the JWT Bearer flow', () => {
    beforeAll(async () => {
      expect((await api('POST', '/apps', { name: 'ERP Sync', consumerKey: 'erp-sync' })).statusCode).toBe(201);
    });

    it('refuses to enable JWT Bearer on an app without a certificate: 409 certificate_required', async () => {
      const res = await api('PUT', '/apps/ERP%20Sync/flows/jwt-bearer', { enabled: true });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/certificate_required',
        title: 'A valid certificate is required',
        status: 409,
        code: 'certificate_required',
        field: 'flows.jwtBearer',
        detail:
          "the JWT Bearer flow needs a currently valid certificate on the app: upload the X.509 certificate of the integration's signing key first",
      });
      expect((await api('GET', '/apps/ERP%20Sync')).json().flows.jwtBearer).toBe(false);
    });

    it('refuses an expired certificate with 422 certificate_rejected', async () => {
      const expired = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'old', days: 1, notBefore: new Date(clock.now().getTime() - 3 * 86_400_000) });
      const res = await api('POST', '/apps/ERP%20Sync/certificates', { pem: expired.certificatePem });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'certificate_rejected', field: 'pem', title: 'The certificate was refused' });
      expect(res.json().detail).toMatch(/^the certificate expired on \d{4}-\d\d-\d\dT.*; upload a current one$/);
    });

    it('refuses a certificate with an RSA 1024 key', async () => {
      const res = await api('POST', '/apps/ERP%20Sync/certificates', { pem: await generateWeakRsaCertificatePem({ subject: 'weak', days: 30 }) });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'certificate_rejected', field: 'pem', detail: "the certificate's RSA key has 1024 bits; at least 2048 are required" });
    });

    it('refuses garbage and private keys', async () => {
      const garbage = await api('POST', '/apps/ERP%20Sync/certificates', { pem: 'hello' });
      expect(garbage.statusCode).toBe(422);
      expect(garbage.json()).toMatchObject({ code: 'certificate_rejected', detail: 'the file is not a PEM certificate (expected a -----BEGIN CERTIFICATE----- block)' });
      const keyPair = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'k', days: 30 });
      const privateKey = await api('POST', '/apps/ERP%20Sync/certificates', { pem: keyPair.privateKeyPem });
      expect(privateKey.statusCode).toBe(422);
      expect(privateKey.json().detail).toBe('the file holds a PRIVATE KEY block, not a CERTIFICATE; never upload a private key');
      expect(privateKey.body).not.toContain(keyPair.privateKeyPem.split('\n')[1]);
      const missing = await api('POST', '/apps/ERP%20Sync/certificates', {});
      expect(missing.statusCode).toBe(422);
      expect(missing.json()).toMatchObject({ code: 'validation_failed', field: 'pem' });
    });

    it('adds a valid certificate, enables the flow, and refuses to remove the last certificate while it is on', async () => {
      const keys = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'erp', days: 30, notBefore: new Date(clock.now().getTime() - 60_000) });
      const added = await api('POST', '/apps/ERP%20Sync/certificates', { pem: keys.certificatePem });
      expect(added.statusCode).toBe(201);
      const cert = added.json();
      expect(cert).toMatchObject({ keyType: 'RSA', keySize: 2048, curve: null, subject: 'CN=erp', fingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(added.headers.location).toMatch(new RegExp(`/certificates/${cert.id}$`));

      const again = await api('POST', '/apps/ERP%20Sync/certificates', { pem: keys.certificatePem });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'conflict', field: 'pem' });

      const list = await api('GET', '/apps/ERP%20Sync/certificates');
      expect(list.json()).toEqual({ items: [cert] });

      const enabled = await api('PUT', '/apps/ERP%20Sync/flows/jwt-bearer', { enabled: true });
      expect(enabled.statusCode).toBe(200);
      expect(enabled.json().flows).toEqual({ jwtBearer: true, clientCredentials: false, usernamePassword: false });

      const last = await api('DELETE', `/apps/ERP%20Sync/certificates/${cert.id}`);
      expect(last.statusCode).toBe(409);
      expect(last.json().code).toBe('certificate_required');

      expect((await api('PUT', '/apps/ERP%20Sync/flows/jwt-bearer', { enabled: false })).statusCode).toBe(200);
      expect((await api('DELETE', `/apps/ERP%20Sync/certificates/${cert.fingerprintSha256}`)).statusCode).toBe(204);
      expect((await api('GET', '/apps/ERP%20Sync/certificates')).json()).toEqual({ items: [] });
    });
  });

  describe('certificates per app', () => {
    it(`holds at most ${MAX_CERTIFICATES_PER_APP}, as many as an assertion without a kid is checked against`, async () => {
      expect((await api('POST', '/apps', { name: 'Rotating', consumerKey: 'rotating' })).statusCode).toBe(201);
      const certificates = await Promise.all(
        Array.from({ length: MAX_CERTIFICATES_PER_APP + 1 }, (_, i) => generateKeyPairWithCertificate({ alg: 'ES256', subject: `rotating-${i}`, days: 30 })),
      );
      for (const { certificatePem } of certificates.slice(0, MAX_CERTIFICATES_PER_APP)) {
        expect((await api('POST', '/apps/Rotating/certificates', { pem: certificatePem })).statusCode).toBe(201);
      }
      expectProblem(await api('POST', '/apps/Rotating/certificates', { pem: certificates.at(-1)!.certificatePem }), 409, {
        code: 'conflict',
        field: 'pem',
        detail: `the app already holds ${MAX_CERTIFICATES_PER_APP} certificates, the most it may: remove one it no longer uses first`,
      });
      expect((await api('GET', '/apps/Rotating/certificates')).json().items).toHaveLength(MAX_CERTIFICATES_PER_APP);
      expectProblem(await api('POST', '/apps', { name: 'Crowded', certificates: certificates.map((c) => c.certificatePem) }), 422, {
        code: 'validation_failed',
        field: 'certificates',
      });
    });
  });

  describe('request bodies', () => {
    it('answers malformed JSON with a 400 problem, not a 500', async () => {
      const res = await server.app.inject({
        method: 'POST',
        url: `${API}/users`,
        headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS },
        payload: '{"username": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'https://keygate.dev/problems/bad_request',
        title: 'The request is not valid',
        status: 400,
        code: 'bad_request',
        detail: 'the request body is not valid JSON',
      });
    });

    it('names a __proto__ or constructor.prototype key as the reason a body is refused, and changes nothing', async () => {
      for (const payload of ['{"__proto__": {"admin": true}}', '{"policies": {"constructor": {"prototype": {"x": 1}}}}']) {
        const res = await server.app.inject({ method: 'PATCH', url: `${API}/apps/Reporting`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS }, payload });
        expectProblem(res, 400, { code: 'bad_request', detail: 'the body names __proto__ or constructor.prototype, which are refused' });
      }
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it.each([
      ['{"profile": "A", "profile": "B"}', 'profile'],
      ['{"profile": "A", "\\u0070rofile": "B"}', 'profile'],
      ['{"loginIpRanges": [], "approvedApps": [{"x": 1, "y": {"z": 1}}, {"y": 2, "y": 3}]}', 'approvedApps.1.y'],
    ])('refuses a key given twice in one object (%s) with 400 naming it, instead of letting the last one win', async (payload, field) => {
      const res = await server.app.inject({ method: 'PATCH', url: `${API}/users/${HELPER}`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS }, payload });
      expectProblem(res, 400, { code: 'bad_request', field, detail: `the body names "${field}" more than once; send each key once` });
      expect((await api('GET', `/users/${HELPER}`)).json()).toMatchObject({ profile: 'System Administrator' });
    });

    it('accepts the same key in different objects, and a key named like a string value', async () => {
      const payload = '{"policies": {"profiles": ["System Administrator"], "permissionSets": ["profiles"]}, "scopes": ["api"]}';
      const res = await server.app.inject({ method: 'PATCH', url: `${API}/apps/Reporting`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS }, payload });
      expect(res.statusCode, res.body).toBe(200);
      const nested = '{"policies": {"profiles": ["System Administrator"], "permissionSets": []}, "scopes": ["api"], "requireJti": false}';
      expect((await server.app.inject({ method: 'PATCH', url: `${API}/apps/Reporting`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS }, payload: nested })).statusCode).toBe(200);
    });

    it('refuses a body that is not UTF-8 instead of storing U+FFFD in a name', async () => {
      const payload = Buffer.concat([Buffer.from('{"username": "caf'), Buffer.from([0xe9]), Buffer.from('@acme.test"}')]);
      const res = await server.app.inject({ method: 'POST', url: `${API}/users`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS }, payload });
      expectProblem(res, 400, { code: 'bad_request', detail: 'the request body is not valid UTF-8' });
      expect((await api('GET', '/users')).json().items.some((u: { username: string }) => u.username.startsWith('caf'))).toBe(false);
    });

    it('accepts a DELETE labelled application/json with no body', async () => {
      expect((await api('POST', '/users', { username: 'labelled@acme.test' })).statusCode).toBe(201);
      const res = await server.app.inject({ method: 'DELETE', url: `${API}/users/labelled@acme.test`, headers: { authorization: `Bearer ${adminToken}`, ...JSON_HEADERS } });
      expect(res.statusCode, res.body).toBe(204);
      expect((await api('GET', '/users/labelled@acme.test')).statusCode).toBe(404);
    });

    it('answers a non-JSON body with 415, a missing body with 400 and a JSON array with 422', async () => {
      const text = await server.app.inject({
        method: 'POST',
        url: `${API}/users`,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' },
        payload: 'username=x',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ code: 'unsupported_media_type', detail: 'send the body as application/json, not text/plain' });
      const none = await server.app.inject({ method: 'PATCH', url: `${API}/org`, headers: { authorization: `Bearer ${adminToken}` } });
      expect(none.statusCode).toBe(400);
      expect(none.json().code).toBe('bad_request');
      const array = await api('PATCH', '/org', [1, 2]);
      expect(array.statusCode).toBe(422);
      expect(array.json()).toMatchObject({ code: 'validation_failed', detail: 'the body must be a JSON object' });
    });
  });

  describe('URLs no route answers', () => {
    it('answers an unknown path with a 404 problem that is not stored', async () => {
      expectProblem(await api('GET', '/nope'), 404, { code: 'not_found', detail: `no route for GET ${API}/nope` });
    });

    it.each([
      ['DELETE', '/org', 'GET, HEAD, PATCH'],
      ['PUT', '/users', 'GET, HEAD, POST'],
      ['OPTIONS', '/apps/Reporting', 'DELETE, GET, HEAD, PATCH'],
      ['GET', '/apps/Reporting/secret', 'DELETE, POST'],
      ['PATCH', '/reviews/compare?before=a&after=b', 'GET, HEAD'],
      ['POST', '/openapi.json', 'GET, HEAD'],
    ] as const)('RFC 9110 §15.5.6: %s %s is 405 with Allow naming the methods the route takes', async (method, path, allow) => {
      for (const token of [adminToken, undefined]) {
        const res = await server.app.inject({ method, url: `${API}${path}`, headers: { ...(token && { authorization: `Bearer ${token}` }) } });
        const target = `${API}${path.split('?')[0]}`;
        expectProblem(res, 405, { code: 'method_not_allowed', detail: `${target} does not take ${method}; it takes ${allow}` });
        expect(res.headers.allow).toBe(allow);
      }
    });

    it('a method on a path no admin route has is still 404, without Allow', async () => {
      const res = await server.app.inject({ method: 'DELETE', url: `${API}/nope`, headers: { authorization: `Bearer ${adminToken}` } });
      expectProblem(res, 404, { code: 'not_found', detail: `no route for DELETE ${API}/nope` });
      expect(res.headers.allow).toBeUndefined();
    });

    it('leaves the answers outside the admin API as they were: /healthz, the console and the OAuth endpoints', async () => {
      const health = await server.app.inject({ method: 'DELETE', url: '/healthz' });
      expectProblem(health, 404, { code: 'not_found', detail: 'no route for DELETE /healthz' });
      expect(health.headers.allow).toBeUndefined();
      const page = await server.app.inject({ method: 'DELETE', url: '/console/apps' });
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers.allow).toBeUndefined();
      const token = await server.app.inject({ method: 'OPTIONS', url: '/services/oauth2/token' });
      expect(token.statusCode).toBe(400);
      expect(token.json()).toMatchObject({ error: 'invalid_request' });
      expect(token.headers.allow).toBeUndefined();
    });

    it.each(['/apps/%ZZ', '/apps/%ED%A0%80'])('answers a path that does not percent-decode (%s) with a 400 problem', async (path) => {
      expectProblem(await api('GET', path), 400, { code: 'bad_request', detail: 'the request could not be read' });
    });
  });

  describe('login history', () => {
    beforeAll(async () => {
      clock.advance(60);
      expect((await requestToken('reporting', ADMIN, reportingKey)).statusCode).toBe(200);
      expect((await requestToken('reporting', ADMIN, reportingKey, 'https://elsewhere.test')).statusCode).toBe(400);
      expect((await requestToken('reporting', 'nobody@acme.test', reportingKey)).statusCode).toBe(400);
    });

    it('filters by app and outcome after real token requests', async () => {
      const res = await api('GET', '/login-history?app=Reporting&outcome=failure');
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page).toMatchObject({ total: 2, limit: 100, offset: 0 });
      expect(page.items).toHaveLength(2);
      for (const event of page.items) {
        expect(event).toMatchObject({ appName: 'Reporting', outcome: 'failure', grant: 'jwt-bearer', credential: 'assertion', errorCode: expect.any(String) });
        expect(event.reason).not.toBe('ok');
        expect(event.jtiHash === null || /^[0-9a-f]{64}$/.test(event.jtiHash)).toBe(true);
      }
      const success = (await api('GET', '/login-history?app=reporting&outcome=success')).json();
      expect(success.total).toBe(0);
      const byName = (await api('GET', `/login-history?app=Reporting&outcome=success&user=${encodeURIComponent(ADMIN)}`)).json();
      expect(byName.items.length).toBeGreaterThanOrEqual(1);
      expect(byName.items[0]).toMatchObject({ appName: 'Reporting', username: ADMIN, outcome: 'success', reason: 'ok', errorCode: null });
    });

    it('filters by time window, grant and pages with limit/offset', async () => {
      const since = new Date(clock.now().getTime() - 1000).toISOString();
      const recent = (await api('GET', `/login-history?since=${since}&app=Reporting`)).json();
      expect(recent.total).toBe(3);
      const old = (await api('GET', `/login-history?until=${since}&app=Reporting`)).json();
      expect(old.items.every((e: { at: string }) => e.at < since)).toBe(true);
      const page = (await api('GET', '/login-history?grant=jwt-bearer&limit=1&offset=1')).json();
      expect(page.items).toHaveLength(1);
      expect(page.limit).toBe(1);
      expect(page.offset).toBe(1);
      expect(page.total).toBeGreaterThan(1);
    });

    it('exports CSV with Accept: text/csv or ?format=csv', async () => {
      const res = await server.app.inject({ method: 'GET', url: `${API}/login-history?app=Reporting`, headers: { authorization: `Bearer ${adminToken}`, accept: 'text/csv' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const total = (await api('GET', '/login-history?app=Reporting')).json().total as number;
      expect(res.headers['x-total-count']).toBe(String(total));
      const lines = res.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe('at,outcome,grant,appName,username,clientAddress,errorCode,reason,credential,certificateFingerprint,jtiHash,appId,userId,id,scope');
      expect(lines).toHaveLength(total + 1);
      expect(lines.slice(1).every((line) => line.split(',')[3] === 'Reporting')).toBe(true);
      const viaQuery = await api('GET', '/login-history?app=Reporting&format=csv');
      expect(viaQuery.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(viaQuery.body.split('\r\n')[0]).toBe(lines[0]);
    });

    it('refuses an unknown or malformed filter, naming it', async () => {
      const outcome = await api('GET', '/login-history?outcome=maybe');
      expect(outcome.statusCode).toBe(422);
      expect(outcome.json()).toMatchObject({ code: 'validation_failed', field: 'outcome' });
      const since = await api('GET', '/login-history?since=yesterday');
      expect(since.json()).toMatchObject({ code: 'validation_failed', field: 'since' });
      const limit = await api('GET', '/login-history?limit=5000');
      expect(limit.json()).toMatchObject({ code: 'validation_failed', field: 'limit', detail: 'limit: must be at most 1000' });
      const typo = await api('GET', '/login-history?outcom=success');
      expect(typo.statusCode).toBe(422);
      expect(typo.json().detail).toContain('outcom');
      const twice = await api('GET', '/login-history?app=a&app=b');
      expect(twice.json()).toMatchObject({ code: 'validation_failed', field: 'app' });
      const html = await server.app.inject({ method: 'GET', url: `${API}/login-history`, headers: { authorization: `Bearer ${adminToken}`, accept: 'text/html' } });
      expect(html.statusCode).toBe(406);
      expect(html.json().code).toBe('not_acceptable');
    });

    it('never returns an assertion or token in the history', async () => {
      const res = await api('GET', '/login-history?limit=1000');
      expect(res.body).not.toContain(adminToken);
      expect(res.body).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    });
  });
});
