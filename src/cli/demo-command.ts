/**
 * `keygate demo`: a small demo org on SQLite, ready to try the seed control's remediation.
 * Creates (once) a data directory with an administrator, an integration user, an app on the
 * JWT Bearer flow with a generated key, and a legacy app still on a consumer secret, then
 * serves and prints what to do next.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../platform/logger.js';
import { generateKeyPairWithCertificate } from '../platform/keygen.js';
import { makeDirectory } from '../platform/make-directory.js';
import { generateSecret } from '../platform/secrets.js';
import { initialise } from './init-command.js';
import { writeCliProfile } from './cli-profile.js';
import { printLine } from './output.js';
import { parsePort } from './parse.js';
import { lockDataDirectory } from './serve-lock.js';

const ADMIN = 'admin@demo.test';
const INTEGRATION_USER = 'integration@demo.test';

interface DemoSecrets {
  readonly adminPassword: string;
  readonly legacySecret: string;
}

async function prepare(dir: string, baseUrl: string): Promise<DemoSecrets> {
  makeDirectory(dir, 0o700);
  const secretsFile = join(dir, 'demo-secrets.json');
  if (existsSync(secretsFile)) return JSON.parse(readFileSync(secretsFile, 'utf8')) as DemoSecrets;
  const secrets: DemoSecrets = { adminPassword: generateSecret().slice(0, 20), legacySecret: generateSecret() };
  const erp = await generateKeyPairWithCertificate({ alg: 'RS256', subject: 'erp-sync', days: 365 });
  writeFileSync(join(dir, 'erp-sync.key.pem'), erp.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'erp-sync.crt.pem'), erp.certificatePem);
  const config = {
    org: { name: 'Demo Corp', baseUrl, clockSkewSeconds: 30, maxAssertionLifetimeSeconds: 300, accessTokenLifetimeSeconds: 3600 },
    users: [
      {
        username: ADMIN,
        email: ADMIN,
        profile: 'System Administrator',
        permissions: ['ApiEnabled', 'ManageUsers', 'CustomizeApplication'],
        passwordEnv: 'KEYGATE_DEMO_ADMIN_PASSWORD',
      },
      { username: INTEGRATION_USER, email: INTEGRATION_USER, profile: 'Integration', permissionSets: ['ERP Access'], permissions: ['ApiEnabled'] },
    ],
    apps: [
      {
        name: 'ERP Sync',
        consumerKey: 'erp-sync',
        contactEmail: 'ops@demo.test',
        scopes: ['api'],
        certificates: [{ file: 'erp-sync.crt.pem' }],
        flows: { jwtBearer: true, clientCredentials: false, usernamePassword: false },
        requireJti: true,
        policies: { permittedUsers: 'adminApproved', profiles: ['Integration'], ipRelaxation: 'enforce', trustedIpRanges: ['127.0.0.0/8', '::1/128'], sessionTimeoutMinutes: 60 },
      },
      {
        name: 'Legacy Reporting',
        consumerKey: 'legacy-reporting',
        contactEmail: 'bi@demo.test',
        scopes: ['api'],
        flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
        clientCredentialsRunAs: INTEGRATION_USER,
        consumerSecretEnv: 'KEYGATE_DEMO_LEGACY_SECRET',
        policies: { ipRelaxation: 'relax', sessionTimeoutMinutes: 120 },
      },
    ],
  };
  writeFileSync(join(dir, 'keygate.yaml'), `# Demo configuration written by \`keygate demo\`.\n${stringify(config)}`);
  writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** A free loopback port for `--port 0`: the org's base URL, its issuer and audience, must name the port served. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start a demo org on SQLite (data in .keygate-demo) and print what to try next')
    .option('--data <dir>', 'demo data directory', '.keygate-demo')
    .option('--port <port>', 'port to listen on (loopback only)', '8080')
    .action(async (opts: { data: string; port: string }) => {
      const port = parsePort(opts.port) || (await freePort());
      const dir = resolve(opts.data);
      const baseUrl = `http://127.0.0.1:${port}`;
      // The demo is a server on SQLite too: one per data directory, checked before it writes there.
      makeDirectory(dir, 0o700);
      lockDataDirectory(dir);
      const secrets = await prepare(dir, baseUrl);
      await initialise({ dataDir: dir, baseUrl, admin: ADMIN, orgName: 'Demo Corp' });
      const env = { KEYGATE_DEMO_ADMIN_PASSWORD: secrets.adminPassword, KEYGATE_DEMO_LEGACY_SECRET: secrets.legacySecret };
      const declared = loadConfigFile(join(dir, 'keygate.yaml'), env);
      // keygate.yaml keeps the base URL of the run that wrote it; the org follows the port served now.
      const config = { ...declared, org: { ...declared.org, baseUrl } };
      // Loaded on use: the composition root pulls in every layer, which other commands never need.
      const { buildKeygate } = await import('../main.js');
      const server = await buildKeygate({ dataDir: dir, host: '127.0.0.1', port, log: createLogger({ level: 'warn' }), config });
      writeCliProfile(dir, { url: server.url });
      const rel = opts.data;
      printLine(`keygate listening on ${server.url}  (demo org "Demo Corp", data in ${rel})`);
      printLine('');
      printLine('Try the JWT Bearer flow (the app "ERP Sync" has a certificate; its key is in the demo folder):');
      printLine(`  npx keygate token --url ${server.url} --client-id erp-sync --username ${INTEGRATION_USER} --key ${rel}/erp-sync.key.pem`);
      printLine('Call a protected endpoint with the access_token it prints:');
      printLine(`  curl -H "Authorization: Bearer $TOKEN" ${server.url}/services/oauth2/userinfo`);
      printLine('See every attempt in the login history:');
      printLine(`  npx keygate history --data ${rel}`);
      printLine('Review the org ("Legacy Reporting" still uses a consumer secret):');
      printLine(`  npx keygate review --data ${rel}`);
      printLine(`Console: ${server.url}/console  (username ${ADMIN}; the demo password is in ${rel}/demo-secrets.json, mode 0600)`);
      printLine('Press Ctrl+C to stop.');
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
