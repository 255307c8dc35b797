/**
 * Admin API refusals of odd input that once slipped through: each answers a problem with a
 * stable code and the field path, never a 500, and leaves the stored state as it was.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ADMIN_API_PREFIX } from '../../src/http/admin-api/admin-api-routes.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';
import { type AdminMethod, adminCliApp, adminRequest, jwtBearerToken } from '../helpers/admin-api-client.js';
import { expectProblem } from '../helpers/expect-problem.js';

const BASE_URL = 'https://keygate.test';
const ADMIN = 'admin@acme.test';
const API = ADMIN_API_PREFIX;

describe('admin API input refusals', () => {
  const clock = new FixedClock(Date.parse('2026-06-15T12:00:00Z'));
  let server: RunningKeygate;
  let dataDir: string;
  let token: string;
  let spareCertificatePem: string;

  const api = (method: AdminMethod, path: string, body?: unknown) => adminRequest(server, token, method, path, body);

  beforeAll(async () => {
    const notBefore = new Date(clock.now().getTime() - 60_000);
    const admin = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'admin-cli', days: 30, notBefore });
    const spare = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'spare', days: 30, notBefore });
    spareCertificatePem = spare.certificatePem;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-admin-refusals-'));
    const config = parseConfig(
      JSON.stringify({
        org: { baseUrl: BASE_URL },
        users: [{ username: ADMIN, profile: 'System Administrator', permissions: ['ApiEnabled', 'ManageUsers'] }],
        apps: [
          adminCliApp(admin.certificatePem),
          { name: 'Reporting', consumerKey: 'reporting', scopes: ['api'] },
        ],
      }),
      { baseDir: dataDir, env: {} },
    );
    server = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);
    token = await jwtBearerToken(server, { clientId: 'admin-cli', username: ADMIN, key: admin.privateKeyPem, audience: BASE_URL, clock, scope: 'admin' });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('POST /apps with one certificate listed twice is 422 naming the second entry, and creates nothing', async () => {
    const res = await api('POST', '/apps', { name: 'Twice', certificates: [spareCertificatePem, spareCertificatePem] });
    expectProblem(res, 422, { code: 'validation_failed', field: 'certificates.1', detail: 'certificates.1: this certificate is listed twice' });
    const after = await api('GET', '/apps/Twice');
    expectProblem(after, 404, { code: 'not_found' });
  });

  it('POST /apps names the refused certificate by its place in the list, not as "pem"', async () => {
    const res = await api('POST', '/apps', { name: 'Garbled', certificates: [spareCertificatePem, 'not a certificate'] });
    expectProblem(res, 422, { code: 'certificate_rejected', field: 'certificates.1' });
    expectProblem(await api('GET', '/apps/Garbled'), 404, { code: 'not_found' });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('PUT /apps/{app}/flows/%s is 404: only the three flow names are flows', async (name) => {
    const before = (await api('GET', '/apps/Reporting')).json();
    const res = await api('PUT', `/apps/Reporting/flows/${name}`, { enabled: true });
    expectProblem(res, 404, { code: 'not_found', detail: `no flow named "${name}"; use one of jwt-bearer, client-credentials, username-password` });
    expect((await api('GET', '/apps/Reporting')).json()).toEqual(before);
  });

  it.each([
    ['PATCH', '/org', { clockSkewSeconds: 10, colour: 'blue' }, 'colour'],
    ['PATCH', '/apps/Reporting', { name: 'Renamed' }, 'name'],
    ['PATCH', '/apps/Reporting/policies', { sessionTimeoutMinutes: 30, colour: 'blue' }, 'policies.colour'],
    ['POST', '/apps', { name: 'Extra', flows: { jwtBearer: false, implicit: true } }, 'flows.implicit'],
    ['POST', '/reviews', { colour: 'blue' }, 'colour'],
  ] as const)('%s %s with an unknown field is 422 naming that field', async (method, path, body, field) => {
    const res = await api(method, path, body);
    expectProblem(res, 422, { code: 'validation_failed', field, detail: `${field}: is not a known field` });
  });

  it('GET /login-history?foo= names the unknown parameter', async () => {
    expectProblem(await api('GET', '/login-history?foo=1'), 422, { code: 'validation_failed', field: 'foo' });
  });

  it.each(['2026-02-31', '2026-02-29T10:00:00Z', '2026-04-31T00:00:00+02:00'])('GET /login-history?since=%s is 422: a day the calendar lacks is not rolled into the next month', async (since) => {
    expectProblem(await api('GET', `/login-history?since=${encodeURIComponent(since)}`), 422, { code: 'validation_failed', field: 'since' });
    expectProblem(await api('GET', `/login-history?until=${encodeURIComponent(since)}`), 422, { code: 'validation_failed', field: 'until' });
  });

  it.each(['2026-12-07T10:00', '2026-12-07T10:00:00', '2026-12-07 10:00:00.5'])('GET /login-history?since=%s is 422: a time without an offset is not read in the server\'s time zone', async (time) => {
    const detail = /needs a time-zone offset, such as 2025-01-31T12:00:00Z/;
    expectProblem(await api('GET', `/login-history?since=${encodeURIComponent(time)}`), 422, { code: 'validation_failed', field: 'since', detail });
    expectProblem(await api('GET', `/login-history?until=${encodeURIComponent(time)}`), 422, { code: 'validation_failed', field: 'until', detail });
  });

  it.each(['2026-12-07T10:00:00Z', '2026-12-07T10:00:00.5+01:00', '2026-12-07'])('GET /login-history?since=%s is taken', async (time) => {
    expect((await api('GET', `/login-history?since=${encodeURIComponent(time)}`)).statusCode).toBe(200);
  });

  it('GET /login-history?since= takes a leap day', async () => {
    expect((await api('GET', '/login-history?since=2028-02-29')).statusCode).toBe(200);
  });

  it.each([
    ['a lone high surrogate in a value', '{"username":"\\ud800@acme.test"}'],
    ['a lone low surrogate in a value', '{"username":"\\udc00@acme.test"}'],
    ['a lone surrogate in a key', '{"username":"k@acme.test","\\ud83d":1}'],
    ['a lone surrogate deep in a list', '{"username":"l@acme.test","permissions":["ApiEnabled","\\ud83dx"]}'],
  ])('POST /users with %s is 400 bad_request, as bytes that are not UTF-8 are', async (_label, payload) => {
    const res = await server.app.inject({
      method: 'POST',
      url: `${API}/users`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
    expectProblem(res, 400, { code: 'bad_request', detail: 'the request body is not valid UTF-8: it escapes half of a surrogate pair' });
  });

  it('an escaped surrogate pair is one character and is taken', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: `${API}/users`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"username":"\\ud83d\\ude00@acme.test"}',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().username).toBe('\u{1F600}@acme.test');
  });

  const latin1Post = (charset: string, username: string) =>
    server.app.inject({
      method: 'POST',
      url: `${API}/users`,
      headers: { authorization: `Bearer ${token}`, 'content-type': `application/json; charset=${charset}` },
      payload: Buffer.from(JSON.stringify({ username }), 'latin1'),
    });

  it.each(['latin1', 'ISO-8859-1', '"windows-1252"', 'utf-16'])('RFC 9110 §8.3.1: POST /users labelled charset=%s is 415 unsupported_charset, not read as UTF-8', async (charset) => {
    // In Latin-1, "Ã©" is the bytes C3 A9: read as UTF-8 they are "é", a name the client never sent.
    const res = await latin1Post(charset, 'Ã©@acme.test');
    const detail = `the body must be UTF-8: send it labelled charset=utf-8 or with no charset, not charset=${charset.replaceAll('"', '').toLowerCase()}`;
    expectProblem(res, 415, { code: 'unsupported_charset', detail });
    expectProblem(await latin1Post(charset, 'café@acme.test'), 415, { code: 'unsupported_charset', detail });
    expectProblem(await api('GET', '/users/é@acme.test'), 404, { code: 'not_found' });
  });

  it('a DELETE labelled with another charset is 415 too, though it has no body', async () => {
    const res = await server.app.inject({
      method: 'DELETE',
      url: `${API}/users/nobody@acme.test`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=latin1' },
    });
    expectProblem(res, 415, { code: 'unsupported_charset' });
  });

  it.each(['utf-8', 'UTF-8', '"utf-8"', 'utf8'])('a body labelled charset=%s is read as UTF-8', async (charset) => {
    const username = `charset-${charset.replaceAll('"', 'q')}-é@acme.test`;
    const res = await server.app.inject({
      method: 'POST',
      url: `${API}/users`,
      headers: { authorization: `Bearer ${token}`, 'content-type': `application/json; charset=${charset}` },
      payload: Buffer.from(JSON.stringify({ username }), 'utf8'),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().username).toBe(username);
    expect((await api('DELETE', `/users/${encodeURIComponent(username)}`)).statusCode).toBe(204);
  });

  it('the state is unchanged by every refusal above', async () => {
    const org = (await api('GET', '/org')).json();
    expect(org.clockSkewSeconds).not.toBe(10);
    const names = (await api('GET', '/apps')).json().items.map((a: { name: string }) => a.name).sort();
    expect(names).toEqual(['Admin CLI', 'Reporting']);
    const usernames = (await api('GET', '/users')).json().items.map((u: { username: string }) => u.username).sort();
    expect(usernames).toEqual([ADMIN, '\u{1F600}@acme.test']);
  });
});
