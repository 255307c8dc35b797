/**
 * `keygate serve --workers 2` (issue 6), on SQLite and on PostgreSQL: the real binary, two
 * worker processes behind node:cluster. Every request below opens its own TCP connection, and
 * the primary deals connections to the workers in turn, so consecutive ones reach both. Replay
 * stays single-use across processes, and a change made through one worker's admin API reaches
 * the other within one second.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion } from '../../src/client/index.js';
import { generateKeyPairWithCertificate } from '../../src/platform/keygen.js';
import { TEST_DATABASE_URL } from '../contract/backends.js';
import { JWT_BEARER, within } from './scale-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BASE_URL = 'https://keygate.test';
const CLIENT_ID = 'workers-erp';
const ADMIN_CLIENT_ID = 'workers-admin';
const USERNAME = 'admin@workers.test';

function newest(dir: string): number {
  return readdirSync(dir).reduce((m, name) => {
    const p = join(dir, name);
    const s = statSync(p);
    return Math.max(m, s.isDirectory() ? newest(p) : s.mtimeMs);
  }, 0);
}

/** Compiles src/ to dist/ when dist/ is older; type errors elsewhere in the tree must not stop the emit. */
async function ensureBuilt(): Promise<void> {
  const entry = join(ROOT, 'dist/cli/main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(ROOT, 'src'))) return;
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One HTTP request on a connection of its own (no keep-alive pool), bounded in time. */
function send(url: string, method: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(url, { method, agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        done({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    req.end(body);
  });
}

describe.each([
  { mode: 'SQLite', postgres: false },
  { mode: 'PostgreSQL', postgres: true },
])('keygate serve --workers 2 on $mode', ({ postgres }) => {
  let dir: string;
  let server: ChildProcess;
  let url = '';
  let privateKeyPem = '';
  let database: string | null = null;
  const token = (assertion: string, scope?: string) =>
    send(`${url}/services/oauth2/token`, 'POST', new URLSearchParams({ grant_type: JWT_BEARER, assertion, ...(scope ? { scope } : {}) }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  const assertion = (issuer = CLIENT_ID) => signAssertion({ issuer, subject: USERNAME, audience: BASE_URL, key: privateKeyPem });

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-workers-'));
    const generated = await generateKeyPairWithCertificate({ alg: 'ES256', subject: 'workers', days: 30 });
    privateKeyPem = generated.privateKeyPem;
    await writeFile(join(dir, 'client.crt.pem'), generated.certificatePem);
    await writeFile(
      join(dir, 'keygate.yaml'),
      JSON.stringify({
        org: { baseUrl: BASE_URL },
        // These tests are refused on purpose, many times a minute from this one address.
        oauth: { maxFailuresPerAddress: 0 },
        users: [{ username: USERNAME, profile: 'Integration', permissions: ['ManageUsers'] }],
        apps: [
          {
            name: 'workers-erp',
            consumerKey: CLIENT_ID,
            scopes: ['api'],
            certificates: [{ file: 'client.crt.pem' }],
            flows: { jwtBearer: true },
            policies: { profiles: ['Integration'] },
          },
          {
            // The admin API's caller: an app may not switch off the flow its own token came through.
            name: 'workers-admin',
            consumerKey: ADMIN_CLIENT_ID,
            scopes: ['api', 'admin'],
            certificates: [{ file: 'client.crt.pem' }],
            flows: { jwtBearer: true },
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
    );
    const env: Record<string, string> = { ...(process.env as Record<string, string>), KEYGATE_LOG_LEVEL: 'warn' };
    delete env.KEYGATE_DATABASE_URL;
    delete env.KEYGATE_REDIS_URL;
    if (postgres) {
      database = `keygate_workers_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${database}`);
      await admin.end();
      const target = new URL(TEST_DATABASE_URL);
      target.pathname = `/${database}`;
      env.KEYGATE_DATABASE_URL = target.toString();
    }
    server = spawn(
      process.execPath,
      [join(ROOT, 'bin/keygate.js'), 'serve', '--workers', '2', '--config', join(dir, 'keygate.yaml'), '--data', join(dir, 'data'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    let stderr = '';
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // The primary prints "listening on" once both workers are ready and the port is bound.
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`workers did not start: ${stderr}`)), 45_000);
      server.once('exit', (code) => fail(new Error(`keygate exited with ${code}: ${stderr}`)));
      server.stdout!.on('data', (d: Buffer) => {
        const match = /listening on (\S+)/.exec(d.toString());
        if (match) {
          url = match[1]!;
          clearTimeout(timer);
          ready();
        }
      });
    });
  }, 90_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      await new Promise<void>((done) => {
        server.once('exit', () => done());
        server.kill('SIGTERM');
        setTimeout(() => server.kill('SIGKILL'), 10_000).unref();
      });
    }
    if (database) {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('RFC 7523 §3 item 7: of 50 concurrent copies of one assertion on 50 connections, exactly one gets a token', async () => {
    const copy = await assertion();
    const answers = await Promise.all(Array.from({ length: 50 }, () => token(copy)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(49);
  });

  it('a flow disabled through one worker’s admin API is refused by every worker within one second', async () => {
    const admin = await token(await assertion(ADMIN_CLIENT_ID), 'admin');
    expect(admin.status).toBe(200);
    const auth = { authorization: `Bearer ${String(admin.body.access_token)}`, 'content-type': 'application/json' };
    const flowUrl = `${url}/admin/api/v1/apps/workers-erp/flows/jwt-bearer`;
    expect((await send(flowUrl, 'PUT', JSON.stringify({ enabled: false }), auth)).status).toBe(200);
    try {
      // Ten requests on ten connections land on both workers; all must be refused.
      await within(1000, async () => {
        const answers = await Promise.all(Array.from({ length: 10 }, async () => token(await assertion())));
        return answers.every((a) => a.status !== 200);
      });
    } finally {
      expect((await send(flowUrl, 'PUT', JSON.stringify({ enabled: true }), auth)).status).toBe(200);
    }
    await within(1000, async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, async () => token(await assertion())));
      return answers.every((a) => a.status === 200);
    });
  });
});

describe('keygate serve --workers 2 when the workers cannot start', () => {
  it('stops with exit 1 and each worker’s one-line reason, instead of waiting forever', async () => {
    await ensureBuilt();
    const dir = await mkdtemp(join(tmpdir(), 'keygate-workers-fail-'));
    try {
      const env: Record<string, string> = { ...(process.env as Record<string, string>), KEYGATE_LOG_LEVEL: 'warn' };
      delete env.KEYGATE_DATABASE_URL;
      delete env.KEYGATE_REDIS_URL;
      // A fresh data directory and no configuration: there is no org to serve.
      const child = spawn(process.execPath, [join(ROOT, 'bin/keygate.js'), 'serve', '--workers', '2', '--data', join(dir, 'data'), '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          done(exitCode);
        });
      });
      expect(code).toBe(1);
      expect(stderr).toContain('the org is not configured yet');
      expect(stderr).toContain('every worker failed at start-up');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).not.toContain('listening on');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
