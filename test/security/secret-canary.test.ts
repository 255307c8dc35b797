/**
 * Canary: assertions, client assertions, client secrets, passwords, private keys, access
 * tokens and Authorization headers never reach the log (captured in full at level trace), the
 * login history, the database files, or any error_description — on success paths, on every
 * kind of refusal, and on the failure paths that log errors (storage faults injected here).
 * (rules, "Logging"; issue 2, "Login history" and "Tests".)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPS,
  CLIENT_ASSERTION_TYPE,
  JWT_BEARER,
  TOKEN_URL,
  USERS,
  basicAuthorization,
  getWithToken,
  startHarness,
  type Harness,
  type Response,
} from '../helpers/keygate-harness.js';
import { compactJws, type TestKey } from '../helpers/keys.js';

let h: Harness;
const logLines: string[] = [];
/** Every secret value the test sent or received, with a label for failure messages. */
const canaries = new Map<string, string>();
const responses: Response[] = [];

function canary(label: string, value: string): string {
  canaries.set(value, label);
  return value;
}

/** The parts of a compact JWS worth looking for on their own: the whole, and its signature. */
function jwsCanary(label: string, jws: string): string {
  canary(label, jws);
  const signature = jws.slice(jws.lastIndexOf('.') + 1);
  if (signature.length >= 16) canary(`${label} (signature)`, signature);
  return jws;
}

async function send(promise: Promise<Response>): Promise<Response> {
  const response = await promise;
  responses.push(response);
  const match = /"access_token":"([^"]+)"/.exec(response.body);
  if (match) jwsCanary('access token', match[1]!);
  return response;
}

function clientAssertion(key = h.keys.cc, claims: Record<string, unknown> = {}): string {
  return jwsCanary(
    'client assertion',
    compactJws({ alg: key.alg, header: {}, payload: { iss: APPS.cc, sub: APPS.cc, aud: TOKEN_URL, exp: h.now() + 30, jti: randomUUID(), ...claims }, key: key.privateKey }),
  );
}

function assertion(options: Parameters<Harness['assertion']>[0] = {}): string {
  return jwsCanary('assertion', h.assertion(options));
}

function basic(clientId: string, secret: string): Record<string, string> {
  const headers = basicAuthorization(clientId, canary('client secret', secret));
  canary('Authorization header', headers.authorization!);
  canary('Basic credentials', headers.authorization!.slice('Basic '.length));
  return headers;
}

function bearer(token: string) {
  canary('Authorization header', `Bearer ${token}`);
  return token;
}

/**
 * Takes the token path's tables away for the duration of `work`, through a second connection
 * to the real database file, so that every write of the token path fails inside the storage
 * layer (on the writer thread) and its faults, and the logging they cause, are exercised.
 */
async function withFailingWrites(work: () => Promise<void>): Promise<void> {
  const db = new Database(join(h.dataDir, 'keygate.db'));
  db.pragma('busy_timeout = 5000');
  db.exec('ALTER TABLE login_history RENAME TO login_history_away; ALTER TABLE used_jti RENAME TO used_jti_away;');
  try {
    await work();
  } finally {
    db.exec('ALTER TABLE login_history_away RENAME TO login_history; ALTER TABLE used_jti_away RENAME TO used_jti;');
    db.close();
  }
}

beforeAll(async () => {
  h = await startHarness({ logSink: (line) => logLines.push(line), logLevel: 'trace' });
  for (const value of Object.values(h.secrets)) canary('configured secret', value);
  for (const [name, key] of Object.entries(h.keys) as [string, TestKey][]) {
    canary(`${name} private key`, key.privateKeyPem);
    for (const line of key.privateKeyPem.split('\n').filter((l) => l.length === 64)) canary(`${name} private key line`, line);
  }

  // JWT Bearer: success and each kind of refusal.
  await send(h.grant(assertion()));
  await send(h.grant(assertion({ signature: Buffer.alloc(256, 3).toString('base64url') })));
  await send(h.grant(assertion({ claims: { sub: 'nobody@acme.test' } })));
  await send(h.grant(assertion({ claims: { aud: 'https://evil.example' } })));
  await send(h.grant(assertion({ claims: { iss: 'no-such-app' } })));
  await send(h.grant(assertion({ alg: 'none', signature: 'c2lnbmF0dXJlLWNhbmFyeQ' })));
  const replayed = assertion();
  await send(h.grant(replayed));
  await send(h.grant(replayed));
  await send(h.grant(canary('malformed assertion', `CANARY-${randomUUID()}.not.json`)));
  await send(h.grant(assertion({ claims: { pad: 'x'.repeat(9000) } })));
  const twice = assertion();
  await send(h.token(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${twice}&assertion=${twice}`));
  await send(h.token(JSON.stringify({ grant_type: JWT_BEARER, assertion: assertion() }), { contentType: 'application/json' }));
  await send(h.grant(assertion(), { padding: 'y'.repeat(20_000) }));
  await send(h.token({ grant_type: 'urn:example:unknown', assertion: assertion() }));

  // Client credentials: secrets (basic and post) and private_key_jwt, right and wrong.
  await send(h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, h.secrets.cc) }));
  await send(h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, `wrong-${randomUUID()}`) }));
  await send(h.token({ grant_type: 'client_credentials' }, { headers: basic('no-such-client', `wrong-${randomUUID()}`) }));
  await send(h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: canary('client secret', `wrong-${randomUUID()}`) }));
  await send(h.token({ grant_type: 'client_credentials', client_id: APPS.cc, client_secret: h.secrets.cc }));
  await send(h.token({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion() }));
  await send(h.token({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion(h.keys.attacker) }));
  await send(
    h.token(
      { grant_type: 'client_credentials', client_id: APPS.cc, client_secret: h.secrets.cc, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion() },
      { headers: basic(APPS.cc, h.secrets.cc) },
    ),
  );

  // The password grant, right and wrong.
  await send(h.token({ grant_type: 'password', username: USERS.pw, password: h.secrets.userPassword }, { headers: basic(APPS.password, h.secrets.passwordApp) }));
  await send(h.token({ grant_type: 'password', username: USERS.pw, password: canary('password', `wrong-${randomUUID()}`) }, { headers: basic(APPS.password, h.secrets.passwordApp) }));
  await send(h.token({ grant_type: 'password', username: USERS.pw, password: h.secrets.userPassword }, { headers: basic(APPS.secret, h.secrets.secretApp) }));

  // Resources, introspection and revocation with every token obtained so far, and forged ones.
  const tokens = [...canaries.entries()].filter(([, label]) => label === 'access token').map(([value]) => value);
  for (const token of tokens) {
    await send(getWithToken(h, '/services/oauth2/userinfo', bearer(token)));
    await send(getWithToken(h, `/services/oauth2/userinfo?access_token=${token}`));
    await send(h.postForm('/services/oauth2/introspect', { token }, { headers: basic(APPS.cc, h.secrets.cc) }));
    await send(h.postForm('/services/oauth2/introspect', { token }, { headers: basic(APPS.cc, `wrong-${randomUUID()}`) }));
  }
  const forged = jwsCanary('forged token', `${tokens[0]!.slice(0, -6)}AAAAAA`);
  await send(getWithToken(h, '/services/oauth2/userinfo', bearer(forged)));
  await send(getWithToken(h, '/services/oauth2/userinfo', bearer(canary('garbage token', `garbage-${randomUUID()}`))));
  await send(getWithToken(h, '/services/data', bearer(assertion())));
  for (const token of tokens) await send(h.postForm('/services/oauth2/revoke', { token }));
  await send(getWithToken(h, '/services/oauth2/userinfo', bearer(tokens[0]!)));

  // Failure paths that log errors: the store refuses every write.
  await withFailingWrites(async () => {
    await send(h.grant(assertion()));
    await send(h.token({ grant_type: 'client_credentials' }, { headers: basic(APPS.cc, h.secrets.cc) }));
    await send(h.token({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion() }));
    await send(h.token({ grant_type: 'password', username: USERS.pw, password: h.secrets.userPassword }, { headers: basic(APPS.password, h.secrets.passwordApp) }));
    await send(h.grant(assertion({ key: h.keys.ec, claims: { iss: APPS.opaque } })));
    await send(h.postForm('/services/oauth2/revoke', { token: tokens[1]! }, { headers: basic(APPS.cc, h.secrets.cc) }));
  });
});
afterAll(async () => {
  await h?.close();
});

function leaks(text: string): string[] {
  return [...canaries.entries()].filter(([value]) => text.includes(value)).map(([, label]) => label);
}

describe('secret canary', () => {
  it('canary: the test really exercised successes, refusals and logged storage faults', () => {
    const statuses = new Set(responses.map((r) => r.statusCode));
    for (const status of [200, 400, 401, 503]) expect(statuses, `status ${status}`).toContain(status);
    const log = logLines.join('');
    expect(log).toContain('request failed inside Keygate');
    expect(log).toContain('login history unavailable');
    expect(log).toContain('no such table');
    expect([...canaries.values()].filter((l) => l === 'access token').length).toBeGreaterThan(3);
  });

  it('rules, Logging: no assertion, secret, private key, token or Authorization header reaches the log at any level', () => {
    const found = new Set<string>();
    for (const line of logLines) for (const label of leaks(line)) found.add(label);
    expect([...found]).toStrictEqual([]);
  });

  it('issue 2, Login history: no assertion, secret, token or Authorization header reaches a login-history row', async () => {
    const { events, total } = await h.services.history.queryLoginHistory({ limit: 10_000 });
    expect(events.length).toBe(total);
    expect(events.length).toBeGreaterThan(20);
    const found = new Set<string>();
    for (const event of events) for (const label of leaks(JSON.stringify(event))) found.add(label);
    expect([...found]).toStrictEqual([]);
  });

  it('issue 2, Login history: the database files hold no assertion, secret, token or Authorization header', () => {
    const found = new Set<string>();
    for (const file of readdirSync(h.dataDir).filter((f) => f.startsWith('keygate.db'))) {
      const bytes = readFileSync(join(h.dataDir, file)).toString('latin1');
      for (const label of leaks(bytes)) found.add(`${label} in ${file}`);
    }
    expect([...found]).toStrictEqual([]);
  });

  it('rules, Errors: no error_description echoes a secret, a token or the assertion, or holds CR, LF or TAB', () => {
    const errors = responses.filter((r) => r.statusCode >= 400).map((r) => JSON.parse(r.body) as { error: string; error_description: string });
    expect(errors.length).toBeGreaterThan(20);
    for (const { error_description } of errors) {
      expect(leaks(error_description)).toStrictEqual([]);
      expect(error_description).not.toMatch(/[\r\n\t]|eyJ|CANARY|BEGIN/);
    }
  });

  it('rules, Errors: no response header carries a secret or a token back', () => {
    for (const response of responses) expect(leaks(JSON.stringify(response.headers))).toStrictEqual([]);
  });
});
