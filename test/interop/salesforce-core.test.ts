/**
 * The Salesforce CLI's library, @salesforce/core (8), unmodified, against a Keygate server
 * started here: `AuthInfo.create` with a JWT login (`sf org login jwt`), `loginUrl` set to
 * Keygate, HOME pointed at a temporary folder and SF_DISABLE_DNS_CHECK=true. It receives a
 * token, records the org id and instance URL, and reads the org through the REST query
 * resource (its `determineOrg`). The library runs in a child process: it keeps global state.
 *
 * The CLI signs `exp` in milliseconds (`Date.now() + 300`) and sends no `jti`: the app it logs
 * in to uses the salesforce-compat profile, and the very same login against a strict app is
 * refused.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, startInteropServer, type InteropServer } from './interop-server.js';

const USERNAME = 'sf-cli@acme.test';
const COMPAT_APP = 'sf-cli-compat';
const STRICT_APP = 'sf-cli-strict';
const CHILD = join(import.meta.dirname, 'salesforce-core-login.child.mjs');

type ChildAnswer = { ok: true; fields: Record<string, unknown> } | { ok: false; name: string; message: string };

describe('interop: @salesforce/core (the Salesforce CLI) against Keygate', () => {
  let kg: InteropServer;
  let privateKeyPem: string;
  const homes: string[] = [];

  beforeAll(async () => {
    const key = await makeKey('RS256', 'sf-cli');
    privateKeyPem = key.privateKeyPem;
    const app = (consumerKey: string, assertionProfile: string) => ({
      name: consumerKey,
      consumerKey,
      certificates: [{ pem: key.certificatePem }],
      flows: { jwtBearer: true },
      assertionProfile,
      policies: { profiles: ['Integration'] },
    });
    kg = await startInteropServer({
      org: { name: 'Acme CLI' },
      users: [{ username: USERNAME, profile: 'Integration' }],
      apps: [app(COMPAT_APP, 'salesforce-compat'), app(STRICT_APP, 'strict')],
    });
  });
  afterAll(async () => {
    await kg?.close();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  /**
   * Runs the login in a child process with a clean environment and a fresh HOME holding the
   * key file (0600), so that no SF_ state of the developer, nor of the other test, leaks in.
   */
  async function login(clientId: string): Promise<{ answer: ChildAnswer; home: string }> {
    const home = await mkdtemp(join(tmpdir(), 'keygate-sf-home-'));
    homes.push(home);
    const keyFile = join(home, 'server.key');
    await writeFile(keyFile, privateKeyPem, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TMPDIR: home,
      SF_DISABLE_DNS_CHECK: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      KEYGATE_URL: kg.url,
      KEYGATE_CLIENT_ID: clientId,
      KEYGATE_USERNAME: USERNAME,
      KEYGATE_KEY_FILE: keyFile,
    };
    const answer = await new Promise<ChildAnswer>((resolve, reject) => {
      execFile(process.execPath, [CHILD], { env, cwd: home, timeout: 60_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (!line) return reject(new Error(`no answer from the child (${error?.message ?? 'exit 0'}): ${stderr.slice(0, 2000)}`));
        resolve(JSON.parse(line) as ChildAnswer);
      });
    });
    return { answer, home };
  }

  async function newestLogin(appName: string) {
    const { events } = await kg.server.services.history.queryLoginHistory({ appName, limit: 1 });
    return events[0];
  }

  it('logs in with AuthInfo, records the org id and instance URL, and reads the org', { timeout: 90_000 }, async () => {
    const { answer, home } = await login(COMPAT_APP);
    if (!answer.ok) throw new Error(`login failed: ${answer.name}: ${answer.message}`);
    const org = await kg.server.services.orgs.get();
    expect(answer.fields).toMatchObject({
      username: USERNAME,
      orgId: org.id,
      instanceUrl: kg.url,
      loginUrl: kg.url,
      clientId: COMPAT_APP,
      hasAccessToken: true,
      // From the REST surface: GET /services/data (newest version) and determineOrg's query.
      instanceApiVersion: '64.0',
      name: 'Acme CLI',
      orgEdition: 'Keygate',
      isSandbox: false,
      isScratch: false,
      // Its Dev Hub probe (SELECT Id FROM ScratchOrgInfo) is answered INVALID_TYPE.
      isDevHub: false,
    });

    // The CLI's auth file, with the token encrypted at rest by the library.
    const authFile = join(home, '.sfdx', `${USERNAME}.json`);
    expect(existsSync(authFile)).toBe(true);
    const saved = JSON.parse(readFileSync(authFile, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ orgId: org.id, instanceUrl: kg.url, username: USERNAME });

    // Keygate's side: a jwt-bearer success for the compat app, with no jti to hash.
    expect(await newestLogin(COMPAT_APP)).toMatchObject({ outcome: 'success', grant: 'jwt-bearer', username: USERNAME, jtiHash: null });
  });

  it('the same login against a strict app is refused: exp in milliseconds is not a NumericDate in seconds', { timeout: 90_000 }, async () => {
    const { answer } = await login(STRICT_APP);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.name).toBe('JwtAuthError');
    // The first attempt goes to Keygate; the guard stops the fall-backs to Salesforce's hosts.
    expect(answer.message).toContain('invalid assertion');
    expect(answer.message).toContain('loopback guard');
    expect(await newestLogin(STRICT_APP)).toMatchObject({ outcome: 'failure', errorCode: 'invalid_grant', reason: 'exp_too_far_in_future' });
  });
});
