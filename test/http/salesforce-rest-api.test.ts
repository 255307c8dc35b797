/**
 * The Salesforce REST surface under `/services/data/` that the Salesforce CLI reads to record
 * an org: the query resource on Organization and User, the tiny SOQL subset it accepts, and
 * Salesforce's error shape for everything else. In-process, on the harness's frozen clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, USERS, startHarness, type Harness, type Response } from '../helpers/keygate-harness.js';
import { expectTokenResponse, jsonBody } from '../helpers/expect-oauth.js';
import { parseSoqlQuery } from '../../src/oauth/endpoints/salesforce-rest/soql-query.js';

/** What `@salesforce/core`'s determineOrg selects (lib/org/determineOrg.js). */
const ORG_QUERY = 'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization';
/** What `@salesforce/core`'s User helper selects (lib/org/user.js, REQUIRED_FIELDS). */
const USER_FIELDS = 'Id, Username, LastName, Alias, TimeZoneSidKey, LocaleSidKey, EmailEncodingKey, ProfileId, LanguageLocaleKey, Email';

describe('Salesforce REST API: /services/data/vNN.N/query', () => {
  let h: Harness;
  let token: string;
  let orgId: string;
  let userId: string;

  beforeAll(async () => {
    h = await startHarness();
    token = expectTokenResponse(await h.grant(h.assertion())).access_token as string;
    orgId = await h.orgId();
    userId = await h.userId(USERS.integration);
  });
  afterAll(async () => h?.close());

  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    h.app.inject({ method: 'GET', url: path, headers, remoteAddress: '127.0.0.1' });
  const query = (q: string, version = '64.0') => get(`/services/data/v${version}/query?q=${encodeURIComponent(q)}`);

  function expectRestError(response: Response, status: number, errorCode: string, message?: string | RegExp): void {
    const context = `${response.statusCode} ${response.body}`;
    expect(response.statusCode, context).toBe(status);
    expect(response.headers['content-type'], context).toMatch(/^application\/json(;|$)/);
    expect(response.headers['cache-control'], context).toBe('no-store');
    const body = JSON.parse(response.body) as { message: string; errorCode: string }[];
    expect(body, context).toHaveLength(1);
    expect(body[0], context).toStrictEqual({ message: expect.any(String), errorCode });
    if (typeof message === 'string') expect(body[0]!.message).toBe(message);
    else if (message) expect(body[0]!.message).toMatch(message);
  }

  it('answers the Organization query of @salesforce/core with the fields it reads', async () => {
    const response = await query(ORG_QUERY);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(jsonBody(response)).toStrictEqual({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Organization', url: `/services/data/v64.0/sobjects/Organization/${orgId}` },
          Name: 'Acme Corp',
          InstanceName: null,
          IsSandbox: false,
          TrialExpirationDate: null,
          NamespacePrefix: null,
          OrganizationType: 'Keygate',
        },
      ],
    });
  });

  it('answers the User query of @salesforce/core for the token own user, field names case-insensitive', async () => {
    const response = await query(`select ${USER_FIELDS.toLowerCase()} from user where username='${USERS.integration}'`, '51.0');
    expect(response.statusCode, response.body).toBe(200);
    const body = jsonBody(response) as { totalSize: number; records: Record<string, unknown>[] };
    expect(body.totalSize).toBe(1);
    expect(Object.keys(body.records[0]!)).toEqual(['attributes', ...USER_FIELDS.split(', ')]);
    expect(body.records[0]).toMatchObject({
      attributes: { type: 'User', url: `/services/data/v51.0/sobjects/User/${userId}` },
      Id: userId,
      Username: USERS.integration,
      LastName: 'integration',
      Alias: 'integrat',
      ProfileId: expect.stringMatching(/^00e[0-9A-Za-z]{15}$/),
      TimeZoneSidKey: 'GMT',
    });
    const byId = jsonBody(await query(`SELECT Id FROM User WHERE Id = '${userId.slice(0, 15)}' LIMIT 5`));
    expect(byId).toMatchObject({ totalSize: 1, records: [{ Id: userId }] });
  });

  it('finds no other user: a token cannot list the org users', async () => {
    expect(jsonBody(await query(`SELECT Id FROM User WHERE Username = '${USERS.svc}'`))).toStrictEqual({ totalSize: 0, done: true, records: [] });
    expect(jsonBody(await query('SELECT Id, Username FROM User'))).toMatchObject({ totalSize: 1, records: [{ Username: USERS.integration }] });
    expect(jsonBody(await query('SELECT Id FROM Organization LIMIT 0'))).toStrictEqual({ totalSize: 0, done: true, records: [] });
  });

  it.each([
    ['an empty query', '', 'A query string has to be specified'],
    ['a missing FROM', 'SELECT Id', /unexpected end of query/],
    ['an operator other than =', "SELECT Id FROM User WHERE Username LIKE 'a%'", /unexpected token: 'LIKE'/],
    ['AND', "SELECT Id FROM User WHERE Id = 'a' AND Username = 'b'", /unexpected token: 'AND'/],
    ['ORDER BY', 'SELECT Id FROM User ORDER BY Id', /unexpected token: 'ORDER'/],
    ['a sub-query', 'SELECT Id, (SELECT Id FROM Users) FROM Organization', /unexpected token/],
    ['a function', 'SELECT COUNT() FROM User', /unexpected token/],
    ['a bind variable', 'SELECT Id FROM User WHERE Id = :id', /unexpected token/],
    ['an unquoted value', 'SELECT Id FROM User WHERE Id = 5', /expecting a quoted string/],
    ['an unterminated string', "SELECT Id FROM User WHERE Username = 'a", /unterminated string literal/],
    ['a bad escape', "SELECT Id FROM User WHERE Username = 'a\\q'", /invalid escape sequence/],
    ['a negative LIMIT', 'SELECT Id FROM User LIMIT -1', /unexpected token/],
    ['a duplicate field', 'SELECT Id, ID FROM User', 'duplicate field selected: ID'],
    ['a trailing comma', 'SELECT Id, FROM User', /unexpected token: 'FROM'/],
    ['a second statement', 'SELECT Id FROM User; SELECT Id FROM User', /unexpected token: ';'/],
  ])('refuses %s with MALFORMED_QUERY', async (_name, q, message) => {
    expectRestError(await query(q), 400, 'MALFORMED_QUERY', message);
  });

  it('refuses a query given twice and an overlong query with MALFORMED_QUERY', async () => {
    expectRestError(await get('/services/data/v64.0/query?q=SELECT+Id+FROM+User&q=SELECT+Id+FROM+Organization'), 400, 'MALFORMED_QUERY');
    expectRestError(await query(`SELECT Id FROM User WHERE Username = '${'a'.repeat(5000)}'`), 400, 'MALFORMED_QUERY', /longer than/);
  });

  it('answers INVALID_TYPE for another sObject (the Dev Hub probe of @salesforce/core) and INVALID_FIELD for another field', async () => {
    expectRestError(await query('SELECT Id FROM ScratchOrgInfo limit 1', '51.0'), 400, 'INVALID_TYPE', /^sObject type 'ScratchOrgInfo' is not supported/);
    expectRestError(await query('SELECT Id, Password FROM User'), 400, 'INVALID_FIELD', "No such column 'Password' on entity 'User'");
    expectRestError(await query('SELECT Profile.Name FROM User'), 400, 'INVALID_FIELD');
    expectRestError(await query("SELECT Id FROM User WHERE Email = 'a@b.c'"), 400, 'INVALID_FIELD', /can not be filtered/);
  });

  it('answers NOT_FOUND for any other path or version below /services/data', async () => {
    for (const path of [
      '/services/data/v64.0/sobjects',
      '/services/data/v64.0',
      '/services/data/v64.0/query/extra?q=SELECT+Id+FROM+User',
      '/services/data/v99.0/query?q=SELECT+Id+FROM+User',
      '/services/data/v30.0/query?q=SELECT+Id+FROM+User',
      '/services/data/latest/query?q=SELECT+Id+FROM+User',
      '/services/data/',
    ]) {
      expectRestError(await get(path), 404, 'NOT_FOUND', 'The requested resource does not exist');
    }
  });

  it('answers METHOD_NOT_ALLOWED for a write to the query resource', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/services/data/v64.0/query?q=SELECT+Id+FROM+User',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expectRestError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('answers a body over the limit in Salesforce shape', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/services/data/v64.0/sobjects/Account',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ Name: 'x'.repeat(64 * 1024) }),
    });
    expectRestError(response, 413, 'INVALID_INPUT');
  });

  it('RFC 6750 §3.1: keeps the 401 challenge for a missing or bad token, on known and unknown paths', async () => {
    for (const path of ['/services/data/v64.0/query?q=SELECT+Id+FROM+User', '/services/data/v64.0/sobjects']) {
      const none = await get(path, {});
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="keygate"');
      const bad = await get(path, { authorization: `Bearer ${token}x` });
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="keygate", error="invalid_token"/);
      expect(bad.body).not.toContain('records');
    }
    // The query resource reads no token from the URL.
    const inQuery = await get(`/services/data/v64.0/query?q=SELECT+Id+FROM+User&oauth_token=${token}`, {});
    expect(inQuery.statusCode).toBe(401);
  });

  it('RFC 6750 §3.1: refuses a token without the api scope with 403 insufficient_scope', async () => {
    const narrow = expectTokenResponse(await h.grant(h.assertion({ key: h.keys.ec, claims: { iss: APPS.ec } }), { scope: 'openid' }), { scope: 'openid' });
    const response = await get('/services/data/v64.0/query?q=SELECT+Id+FROM+Organization', { authorization: `Bearer ${narrow.access_token as string}` });
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('lists two-digit versions at /services/data whose query resources answer', async () => {
    const versions = jsonBody(await get('/services/data')) as unknown as { label: string; url: string; version: string }[];
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      expect(v.version).toMatch(/^\d{2}\.\d$/);
      expect((await get(`${v.url}/query?q=SELECT+Id+FROM+Organization`)).statusCode).toBe(200);
    }
  });
});

describe('SOQL subset parser', () => {
  it('reads fields, object, one equality and a limit, keywords in any case', () => {
    expect(parseSoqlQuery("select Id,Username from User where Username='o\\'brien@x.test' limit 1")).toStrictEqual({
      fields: ['Id', 'Username'],
      object: 'User',
      where: { field: 'Username', value: "o'brien@x.test" },
      limit: 1,
    });
    expect(parseSoqlQuery('  SELECT Name FROM Organization  ')).toStrictEqual({ fields: ['Name'], object: 'Organization' });
  });
});
