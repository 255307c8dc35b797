/**
 * docs/migrate-from-secret.md, walked through on a real Keygate (in-process, frozen clock):
 * each step is done through the same admin services the CLI calls, and the Health Review's
 * verdicts the page promises for that step are checked, so that the page cannot drift.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { buildKeygate, type RunningKeygate } from '../../src/main.js';
import { FixedClock } from '../../src/platform/clock.js';
import { generateKeyPairWithCertificate, type GeneratedKeyPair } from '../../src/platform/keygen.js';
import { createLogger } from '../../src/platform/logger.js';

const BASE_URL = 'https://keygate.test';
const SECRET = `erp-${randomUUID()}`;
const page = readFileSync(resolve(import.meta.dirname, '../../docs/migrate-from-secret.md'), 'utf8');

describe('docs/migrate-from-secret.md', () => {
  const clock = new FixedClock(new Date('2026-03-01T09:00:00Z'));
  let kg: RunningKeygate;
  let dataDir: string;
  let key: GeneratedKeyPair;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-migrate-'));
    const config = parseConfig(
      JSON.stringify({
        org: { baseUrl: BASE_URL },
        users: [{ username: 'erp@acme.test', profile: 'Integration' }],
        apps: [
          {
            name: 'erp',
            consumerKey: 'erp-key',
            flows: { clientCredentials: true },
            clientCredentialsRunAs: 'erp@acme.test',
            consumerSecretEnv: 'ERP_SECRET',
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
      { baseDir: dataDir, env: { ERP_SECRET: SECRET } },
    );
    kg = await buildKeygate({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock, config }, false);
  });
  afterAll(async () => {
    await kg?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const token = (form: Record<string, string>) =>
    kg.app.inject({ method: 'POST', url: '/services/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
  const secretRequest = () => token({ grant_type: 'client_credentials', client_id: 'erp-key', client_secret: SECRET });
  async function jwtRequest() {
    const now = clock.epochSeconds();
    const assertion = await new SignJWT({ iss: 'erp-key', sub: 'erp@acme.test', aud: BASE_URL, iat: now, exp: now + 120, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(key.privateKey);
    return token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  }
  /** The app's verdict on each control the page names. */
  async function verdicts(): Promise<Record<string, string>> {
    const { result } = await kg.services.reviews.run();
    const named = ['eca.oauth-flow.jwt-bearer-enabled', 'traffic.secret-authentication', 'eca.consumer-secret.rotation', 'eca.certificate.health'];
    return Object.fromEntries(result.findings.filter((f) => f.subject === 'erp' && named.includes(f.control)).map((f) => [f.control, f.status]));
  }

  it('names the commands and controls it relies on', () => {
    for (const text of [
      'keygate keygen',
      'keygate cert add',
      'keygate flow enable jwt-bearer',
      'keygate history --app erp --grant client-credentials',
      'keygate flow disable client-credentials --app erp',
      'DELETE /admin/api/v1/apps/erp/secret',
      'eca.oauth-flow.jwt-bearer-enabled',
      'traffic.secret-authentication',
      'eca.consumer-secret.rotation',
      'eca.certificate.health',
    ]) {
      expect(page).toContain(text);
    }
  });

  it('before: the seed control fails and the secret traffic is reported', async () => {
    expect((await secretRequest()).statusCode).toBe(200);
    expect(await verdicts()).toMatchObject({
      'eca.oauth-flow.jwt-bearer-enabled': 'fail',
      'traffic.secret-authentication': 'fail',
      'eca.consumer-secret.rotation': 'pass',
      'eca.certificate.health': 'not_applicable',
    });
  });

  it('steps 1 and 2: with the certificate uploaded and JWT Bearer on, the seed control warns', async () => {
    key = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'erp', days: 365, notBefore: new Date(clock.now().getTime() - 60_000) });
    await kg.services.apps.addCertificate({ name: 'erp' }, key.certificatePem);
    expect((await verdicts())['eca.oauth-flow.jwt-bearer-enabled']).toBe('fail');
    await kg.services.apps.setFlow({ name: 'erp' }, 'jwtBearer', true);
    expect(await verdicts()).toMatchObject({ 'eca.oauth-flow.jwt-bearer-enabled': 'warn', 'eca.certificate.health': 'pass' });
  });

  it('step 3: the history tells JWT Bearer traffic from secret traffic', async () => {
    clock.advance(3600);
    expect((await jwtRequest()).statusCode).toBe(200);
    const { events } = await kg.services.history.queryLoginHistory({ appName: 'erp', limit: 10 });
    expect(events.map((e) => [e.grant, e.credential])).toEqual([
      ['jwt-bearer', 'assertion'],
      ['client-credentials', 'client-secret'],
    ]);
  });

  it('step 4: with the flow off and the secret deleted, the seed control passes; old secret traffic ages out of the window', async () => {
    await kg.services.apps.setFlow({ name: 'erp' }, 'clientCredentials', false);
    const refused = await secretRequest();
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'unauthorized_client' });
    const [row] = (await kg.services.history.queryLoginHistory({ appName: 'erp', limit: 1 })).events;
    expect(row).toMatchObject({ outcome: 'failure', reason: 'flow_disabled' });
    expect((await verdicts())['eca.consumer-secret.rotation']).toBe('warn');
    await kg.services.apps.removeSecret({ name: 'erp' });
    expect(await verdicts()).toMatchObject({
      'eca.oauth-flow.jwt-bearer-enabled': 'pass',
      'eca.consumer-secret.rotation': 'not_applicable',
      'traffic.secret-authentication': 'fail',
    });
    clock.advance(91 * 86_400);
    expect((await jwtRequest()).statusCode).toBe(200);
    expect((await verdicts())['traffic.secret-authentication']).toBe('pass');
  });
});
