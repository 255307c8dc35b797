/**
 * The `keygate` binary end to end: `init`, then `serve` in the background, then the seed
 * control's remediation with the admin commands (user create → app create → keygen → cert add →
 * flow enable jwt-bearer → token → history), plus the offline `cert inspect` and `assertion`
 * commands and the one-line errors of bad input.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { generateWeakRsaCertificatePem } from '../http/weak-certificate.js';
import { ensureBuilt, keygate, serve, type CliResult, type ServeProcess } from './run-cli.js';

/** The issuer `init` records; deliberately not the URL the server listens on. */
const BASE_URL = 'http://127.0.0.1:8080';
const INTEGRATION_USER = 'erp@acme.test';

/** A port nothing listens on: bound, read, released. */
function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** A failure is one line on stderr, names the problem, and shows no stack trace. */
function expectOneLineError(result: CliResult, code: number, message: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keygate: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('keygate CLI against a running server', () => {
  let dir: string;
  let server: ServeProcess;
  let data: string[];

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-cli-'));
    data = ['--data', dir];
    const init = await keygate(['init', ...data, '--base-url', BASE_URL, '--admin', 'admin@acme.test']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/^initialised: administrator admin@acme.test, app "Admin CLI"/);
    server = await serve([...data, '--port', '0']);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('does the remediation end to end: user, app, key, certificate, flow, token, history', async () => {
    const [user, app, keygen] = await Promise.all([
      keygate(['user', 'create', INTEGRATION_USER, '--profile', 'Integration', '--permission', 'ApiEnabled', ...data]),
      keygate(['app', 'create', 'ERP Sync', '--scope', 'api', '--profile', 'Integration', '--contact-email', 'ops@acme.test', ...data]),
      keygate(['keygen', '--out', join(dir, 'erp'), '--alg', 'ES256', '--subject', 'erp-sync']),
    ]);
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toMatch(new RegExp(`^created user ${INTEGRATION_USER} \\(id 005\\w+, profile Integration\\)`));
    expect(app.code, app.stderr).toBe(0);
    expect(app.stdout).toMatch(/^created app "ERP Sync" \(id 0xI\w+, consumer key \S+\)/);
    const consumerKey = /consumer key (\S+)\)/.exec(app.stdout)![1]!;
    expect(keygen.code, keygen.stderr).toBe(0);
    const fingerprint = /SHA-256 fingerprint: (\S+)/.exec(keygen.stdout)![1]!;

    const [tooEarly, inspect] = await Promise.all([
      keygate(['flow', 'enable', 'jwt-bearer', '--app', 'ERP Sync', ...data]),
      keygate(['cert', 'inspect', join(dir, 'erp.crt.pem')]),
    ]);
    expectOneLineError(tooEarly, 1, /the JWT Bearer flow needs a currently valid certificate on the app.*\(certificate_required\)$/);
    expect(tooEarly.stdout).toBe('');
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stderr).toBe('');
    expect(inspect.stdout).toContain('subject:     CN=erp-sync');
    expect(inspect.stdout).toContain('issuer:      CN=erp-sync (self-signed)');
    expect(inspect.stdout).toContain('key:         EC P-256');
    expect(inspect.stdout).toContain(`SHA-256:     ${fingerprint}`);

    const added = await keygate(['cert', 'add', '--app', 'ERP Sync', join(dir, 'erp.crt.pem'), ...data]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`SHA-256 fingerprint: ${fingerprint}`);

    const enabled = await keygate(['flow', 'enable', 'jwt-bearer', '--app', 'ERP Sync', ...data]);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout.trim()).toBe('enabled jwt-bearer on "ERP Sync" (flows now: jwt-bearer)');

    const token = await keygate(['token', '--url', server.url, '--client-id', consumerKey, '--username', INTEGRATION_USER, '--key', join(dir, 'erp.key.pem'), '--audience', BASE_URL]);
    expect(token.code, token.stderr).toBe(0);
    const accessToken = JSON.parse(token.stdout).access_token as string;
    expect(accessToken).toMatch(/^eyJ/);

    // The assertion command's output is what curl posts: exchange it as curl would.
    const assertion = await keygate(['assertion', '--client-id', consumerKey, '--username', INTEGRATION_USER, '--key', join(dir, 'erp.key.pem'), '--audience', BASE_URL]);
    expect(assertion.code, assertion.stderr).toBe(0);
    const exchanged = await fetch(`${server.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: assertion.stdout.trim() }),
    });
    expect(exchanged.status).toBe(200);

    const refused = await keygate(['token', '--url', server.url, '--client-id', consumerKey, '--username', 'nobody@acme.test', '--key', join(dir, 'erp.key.pem'), '--audience', BASE_URL]);
    expect(refused.code).toBe(1);

    const history = await keygate(['history', '--app', 'ERP Sync', '--format', 'json', ...data]);
    expect(history.code, history.stderr).toBe(0);
    const page = JSON.parse(history.stdout) as { items: Record<string, unknown>[]; total: number };
    expect(page.total).toBe(3);
    expect(page.items[2]).toMatchObject({
      appName: 'ERP Sync',
      username: INTEGRATION_USER,
      grant: 'jwt-bearer',
      outcome: 'success',
      reason: 'ok',
      errorCode: null,
      certificateFingerprint: fingerprint.replace(/:/g, '').toLowerCase(),
      scope: 'api',
    });
    expect(page.items[0]).toMatchObject({ appName: 'ERP Sync', outcome: 'failure', scope: null });
    expect(history.stdout).not.toContain(accessToken);

    const table = await keygate(['history', '--app', 'ERP Sync', '--outcome', 'success', ...data]);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^TIME\s+OUTCOME\s+GRANT\s+APP\s+USER\s+ADDRESS\s+ERROR\s+REASON\s+SCOPE$/);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(new RegExp(`success\\s+jwt-bearer\\s+ERP Sync\\s+${INTEGRATION_USER}\\s+127\\.0\\.0\\.1\\s+-\\s+ok\\s+api$`));

    const csv = await keygate(['history', '--app', 'ERP Sync', '--outcome', 'failure', '--since', '1h', '--format', 'csv', ...data]);
    expect(csv.code, csv.stderr).toBe(0);
    const csvLines = csv.stdout.trimEnd().split('\r\n');
    expect(csvLines[0]).toMatch(/^at,outcome,grant,appName,username,/);
    expect(csvLines).toHaveLength(2);
    expect(csvLines[1]).toContain(',failure,jwt-bearer,ERP Sync,');
  }, 180_000);

  it('lists, shows and updates apps and users; rotates a secret that is shown once, then deletes it', async () => {
    // Two independent chains, one on the app and one on the user, run side by side.
    const appChain = (async () => {
      const list = await keygate(['app', 'list', ...data]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^NAME\s+CONSUMER KEY\s+FLOWS\s+CERTS\s+SECRET\n/);
      expect(list.stdout).toMatch(/ERP Sync\s+\S+\s+jwt-bearer\s+1\s+no/);

      const update = await keygate(['app', 'update', 'ERP Sync', '--session-timeout', '30', '--trusted-ip-range', '127.0.0.0/8', '--no-require-jti', ...data]);
      expect(update.code, update.stderr).toBe(0);
      expect(update.stdout.trim()).toBe('updated app "ERP Sync"');

      const rotated = await keygate(['app', 'rotate-secret', 'ERP Sync', ...data]);
      expect(rotated.code, rotated.stderr).toBe(0);
      const secret = /consumer secret: (\S+)/.exec(rotated.stdout)![1]!;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(rotated.stderr).toContain('shown only now');

      const shown = await keygate(['app', 'show', 'ERP Sync', '--json', ...data]);
      expect(shown.stdout).not.toContain(secret);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        hasConsumerSecret: true,
        requireJti: false,
        scopes: ['api'],
        contactEmail: 'ops@acme.test',
        policies: { sessionTimeoutMinutes: 30, trustedIpRanges: ['127.0.0.0/8'], profiles: ['Integration'] },
      });
      const cleared = await keygate(['app', 'update', 'ERP Sync', '--no-trusted-ip-range', '--json', ...data]);
      expect(cleared.code, cleared.stderr).toBe(0);
      expect(JSON.parse(cleared.stdout)).toMatchObject({ policies: { trustedIpRanges: [], profiles: ['Integration'] } });

      const deleted = await keygate(['app', 'delete-secret', 'ERP Sync', ...data]);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout.trim()).toBe('deleted the consumer secret of app "ERP Sync"');
      expect(JSON.parse((await keygate(['app', 'show', 'ERP Sync', '--json', ...data])).stdout)).toMatchObject({ hasConsumerSecret: false });
      const missing = await keygate(['app', 'delete-secret', 'No Such App', ...data]);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    })();

    const userChain = (async () => {
      const users = await keygate(['user', 'list', ...data]);
      expect(users.stdout).toMatch(new RegExp(`${INTEGRATION_USER}\\s+Integration\\s+-\\s+ApiEnabled\\s+active`));
      expect((await keygate(['user', 'lock', INTEGRATION_USER, ...data])).stdout.trim()).toBe(`locked ${INTEGRATION_USER}`);
      expect((await keygate(['user', 'deactivate', INTEGRATION_USER, ...data])).stdout.trim()).toBe(`deactivated ${INTEGRATION_USER}`);
      const shown = await keygate(['user', 'show', INTEGRATION_USER, ...data]);
      expect(shown.stdout).toMatch(/^status:\s+inactive, locked$/m);
      expect(shown.stdout).toMatch(/^permissions:\s+ApiEnabled$/m);
      expect(shown.stdout).not.toMatch(/scrypt|hash/i);
      expect((await keygate(['user', 'unlock', INTEGRATION_USER, ...data])).code).toBe(0);
      expect((await keygate(['user', 'activate', INTEGRATION_USER, ...data])).code).toBe(0);
    })();

    await Promise.all([appChain, userChain]);
  }, 180_000);

  it('lists and removes certificates, disables flows, deletes apps and users', async () => {
    const certs = await keygate(['cert', 'list', '--app', 'ERP Sync', '--json', ...data]);
    expect(certs.code, certs.stderr).toBe(0);
    const [cert] = JSON.parse(certs.stdout) as { id: string }[];
    const lastCert = await keygate(['cert', 'remove', '--app', 'ERP Sync', cert!.id, ...data]);
    expectOneLineError(lastCert, 1, /last valid certificate.*\(certificate_required\)$/);
    expect((await keygate(['flow', 'disable', 'jwt-bearer', '--app', 'ERP Sync', ...data])).stdout.trim()).toBe('disabled jwt-bearer on "ERP Sync" (flows now: -)');
    expect((await keygate(['cert', 'remove', '--app', 'ERP Sync', cert!.id, ...data])).code).toBe(0);
    const [deletedApp, deletedUser] = await Promise.all([keygate(['app', 'delete', 'ERP Sync', ...data]), keygate(['user', 'delete', INTEGRATION_USER, ...data])]);
    expect(deletedApp.stdout.trim()).toBe('deleted app "ERP Sync"');
    expect(deletedUser.stdout.trim()).toBe(`deleted user ${INTEGRATION_USER}`);
    expectOneLineError(await keygate(['app', 'show', 'ERP Sync', ...data]), 1, /^keygate: no External Client App with id or name "ERP Sync" \(not_found\)$/);
  }, 180_000);

  it('shows and changes the org settings; a value out of bounds is refused with the field named', async () => {
    const shown = await keygate(['org', 'show', ...data]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^base url: +${BASE_URL.replace(/\./g, '\\.')}$`, 'm'));
    expect(shown.stdout).toMatch(/^require certificates: +off$/m);

    const updated = await keygate(['org', 'update', '--clock-skew', '60', '--extra-audience', 'https://login.salesforce.com', '--require-certificates', 'on', '--json', ...data]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ baseUrl: BASE_URL, clockSkewSeconds: 60, extraAudiences: ['https://login.salesforce.com'], requireAsymmetricM2M: true });
    expect((await keygate(['org', 'show', ...data])).stdout).toMatch(/^require certificates: +on$/m);

    const [outOfBounds, notNumber, notSwitch, nothing] = await Promise.all([
      keygate(['org', 'update', '--max-assertion-lifetime', '7200', ...data]),
      keygate(['org', 'update', '--clock-skew', 'soon', ...data]),
      keygate(['org', 'update', '--require-certificates', 'maybe', ...data]),
      keygate(['org', 'update', ...data]),
    ]);
    expectOneLineError(outOfBounds, 1, /maxAssertionLifetimeSeconds: .*3600.* \(validation_failed\)$/);
    expectOneLineError(notNumber, 2, /--clock-skew must be a whole number of seconds, not "soon"$/);
    expectOneLineError(notSwitch, 2, /--require-certificates must be one of on, off, not "maybe"$/);
    expectOneLineError(nothing, 2, /nothing to change/);

    const restored = await keygate(['org', 'update', '--clock-skew', '30', '--require-certificates', 'off', '--no-extra-audience', '--json', ...data]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ clockSkewSeconds: 30, maxAssertionLifetimeSeconds: 300, requireAsymmetricM2M: false, extraAudiences: [] });
  }, 120_000);

  it('answers bad input with one line on stderr and a non-zero exit', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'keygate-cli-empty-'));
    const closedPort = await freePort();
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n');
    // Initialised, never served: credentials but no recorded URL.
    const unserved = await mkdtemp(join(tmpdir(), 'keygate-cli-unserved-'));
    await writeFile(join(unserved, 'cli.json'), JSON.stringify({ consumerKey: 'admin-cli', username: 'admin@acme.test' }));
    const [badOutcome, badFlow, badCidr, noProfile, notServed, unreachable, unknownCommand, badGarbage, privateKey, missingFile, noChange] = await Promise.all([
      keygate(['history', '--outcome', 'maybe', ...data]),
      keygate(['flow', 'enable', 'implicit', '--app', 'Admin CLI', ...data]),
      keygate(['user', 'create', 'x@acme.test', '--login-ip-range', 'nope', ...data]),
      keygate(['app', 'list', '--data', empty]),
      keygate(['app', 'list', '--data', unserved]),
      keygate(['app', 'list', '--url', `http://127.0.0.1:${closedPort}`, ...data]),
      keygate(['frobnicate']),
      keygate(['cert', 'inspect', garbage]),
      keygate(['cert', 'inspect', join(dir, 'admin-cli.key.pem')]),
      keygate(['cert', 'inspect', join(dir, 'missing.pem')]),
      keygate(['app', 'update', 'Admin CLI', ...data]),
    ]);
    expectOneLineError(badOutcome, 2, /--outcome must be one of success, failure, not "maybe"$/);
    expectOneLineError(badFlow, 2, /the flow must be one of jwt-bearer, client-credentials, username-password, not "implicit"$/);
    expectOneLineError(badCidr, 1, /loginIpRanges\.0: must be a CIDR range such as 10\.0\.0\.0\/8 \(validation_failed\)$/);
    expectOneLineError(noProfile, 2, /cli\.json has no admin credentials: run `keygate init --data .*` first$/);
    expectOneLineError(notServed, 2, /no server URL: start `keygate serve --data .*` first, or pass --url$/);
    expectOneLineError(unreachable, 1, new RegExp(`cannot reach Keygate at http://127\\.0\\.0\\.1:${closedPort}: ECONNREFUSED$`));
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).not.toMatch(/\n\s+at /);
    expectOneLineError(badGarbage, 1, /garbage\.pem: the file is not a PEM certificate/);
    expectOneLineError(privateKey, 1, /the file holds a PRIVATE KEY block, not a CERTIFICATE; never upload a private key$/);
    expect(privateKey.stdout + privateKey.stderr).not.toContain((await readFile(join(dir, 'admin-cli.key.pem'), 'utf8')).split('\n')[1]);
    expectOneLineError(missingFile, 2, /cannot read .*missing\.pem: ENOENT$/);
    expectOneLineError(noChange, 2, /nothing to change/);
    await rm(empty, { recursive: true, force: true });
    await rm(unserved, { recursive: true, force: true });
  }, 180_000);
});

describe('keygate cert inspect and keygate assertion (offline)', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-cli-offline-'));
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('warns about expiry within 30 days, an expired certificate and a weak key', async () => {
    const soon = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'soon', days: 10 });
    const expired = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'old', days: 1, notBefore: new Date(Date.now() - 3 * 86_400_000) });
    await writeFile(join(dir, 'soon.pem'), soon.certificatePem);
    await writeFile(join(dir, 'expired.pem'), expired.certificatePem);
    await writeFile(join(dir, 'weak.pem'), await generateWeakRsaCertificatePem({ subject: 'weak', days: 365 }));
    const [soonResult, expiredResult, weakResult] = await Promise.all(['soon', 'expired', 'weak'].map((name) => keygate(['cert', 'inspect', join(dir, `${name}.pem`)])));

    expect(soonResult.code).toBe(0);
    expect(soonResult.stdout).toContain('key:         RSA 2048 bits');
    expect(soonResult.stdout).toMatch(/valid until: \S+ \(10 days left\)/);
    expect(soonResult.stderr).toMatch(/^warning: the certificate expires in 10 days, on \S+; upload its replacement first\n$/);

    expect(expiredResult.code).toBe(0);
    expect(expiredResult.stdout).toMatch(/valid until: \S+ \(expired\)/);
    expect(expiredResult.stderr).toMatch(/^warning: the certificate expired on \S+; Keygate refuses it\n$/);

    expect(weakResult.code).toBe(0);
    expect(weakResult.stdout).toContain('key:         RSA 1024 bits');
    expect(weakResult.stderr).toBe('warning: the RSA key has only 1024 bits; Keygate requires at least 2048 (3072 recommended)\n');

    const json = await keygate(['cert', 'inspect', '--json', join(dir, 'weak.pem')]);
    expect(JSON.parse(json.stdout)).toMatchObject({ subject: 'CN=weak', keyType: 'RSA', keySize: 1024, warnings: [expect.stringContaining('1024 bits')] });
  }, 60_000);

  it('prints a signed assertion, alone on stdout, with the claims of RFC 7523 §3', async () => {
    const keys = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'a', days: 30 });
    await writeFile(join(dir, 'a.key.pem'), keys.privateKeyPem, { mode: 0o600 });
    const result = await keygate(['assertion', '--client-id', 'erp-sync', '--username', 'erp@acme.test', '--key', join(dir, 'a.key.pem'), '--audience', 'https://login.salesforce.com', '--lifetime', '120']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const [header, payload] = result.stdout.trim().split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'erp-sync', sub: 'erp@acme.test', aud: 'https://login.salesforce.com', jti: expect.any(String) });
    expect((payload!.exp as number) - (payload!.iat as number)).toBe(120);

    const badKey = await keygate(['assertion', '--client-id', 'x', '--username', 'y', '--key', join(dir, 'missing.pem'), '--audience', 'z']);
    expectOneLineError(badKey, 2, /cannot read the key file .*missing\.pem: ENOENT$/);
    const missingOption = await keygate(['assertion', '--client-id', 'x']);
    expect(missingOption.code).toBe(2);
  }, 60_000);
});
