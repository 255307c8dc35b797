/**
 * `keygate review` against the running server, and `keygate review fix`: the real binary, a real
 * `keygate serve`, and a login history written by real token requests.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, serve, type ServeProcess } from './run-cli.js';

const BASE_URL = 'http://127.0.0.1:8080';

describe('keygate review against the running server', () => {
  let dir: string;
  let server: ServeProcess;
  let data: string[];

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-review-cli-'));
    data = ['--data', dir];
    // A legacy app on the password flow, so that the review and the fix have something to do.
    await writeFile(
      join(dir, 'keygate.yaml'),
      JSON.stringify({
        org: { name: 'Acme', baseUrl: BASE_URL },
        users: [{ username: 'legacy@acme.test', profile: 'Integration', passwordEnv: 'LEGACY_PASSWORD' }],
        apps: [
          {
            name: 'Legacy Export',
            consumerKey: 'legacy-export',
            consumerSecretEnv: 'LEGACY_SECRET',
            flows: { usernamePassword: true },
            policies: { profiles: ['Integration'] },
          },
        ],
      }),
    );
    expect((await keygate(['init', ...data, '--base-url', BASE_URL])).code).toBe(0);
    server = await serve([...data, '--port', '0', '--config', join(dir, 'keygate.yaml')], {
      LEGACY_PASSWORD: 'correct horse battery staple',
      LEGACY_SECRET: 'legacy-export-secret-value',
    });
    const res = await fetch(`${server.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'legacy-export',
        client_secret: 'legacy-export-secret-value',
        username: 'legacy@acme.test',
        password: 'correct horse battery staple',
      }),
    });
    expect(res.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reviews the running server as JSON, with the seed control failing and the password traffic seen', async () => {
    const result = await keygate(['review', '--format', 'json', ...data]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { score: number; source: string; trafficWindow: unknown; findings: { control: string; subject: string; status: string }[] };
    expect(report.source).toBe('keygate-store');
    expect(report.trafficWindow).not.toBeNull();
    expect(report.findings).toContainEqual(expect.objectContaining({ control: 'eca.oauth-flow.jwt-bearer-enabled', subject: 'Legacy Export', status: 'fail' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ control: 'traffic.secret-authentication', subject: 'Legacy Export', status: 'fail' }));
  });

  it('--fail-on high exits 3 against the running server, and the HTML report is one file', async () => {
    const out = join(dir, 'review.html');
    const result = await keygate(['review', '--format', 'html', '--output', out, '--fail-on', 'high', ...data]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/^Wrote the html report to .*: score \d+\/100/);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script|https?:\/\/[^"']*\.(js|css)/i);
  });

  it('refuses an offline-only option against the running server with one line and exit 2', async () => {
    const result = await keygate(['review', '--accepted-risks', join(dir, 'none.yaml'), ...data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keygate: --accepted-risks applies to offline reviews/);
  });

  it('review fix shows the plan and what would break, changes nothing without --yes, then applies with --yes', async () => {
    const control = 'eca.oauth-flow.username-password-disabled';
    const dry = await keygate(['review', 'fix', control, '--app', 'Legacy Export', '--dry-run', ...data]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('change flows.usernamePassword: true -> false');
    expect(dry.stdout).toMatch(/would break:\n\s+legacy@acme\.test.*1 request/);

    const unconfirmed = await keygate(['review', 'fix', control, '--app', 'Legacy Export', ...data]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toBe('keygate: not applied: pass --yes to apply without a prompt\n');
    const still = JSON.parse((await keygate(['app', 'show', 'Legacy Export', '--json', ...data])).stdout) as { flows: { usernamePassword: boolean } };
    expect(still.flows.usernamePassword).toBe(true);

    const applied = await keygate(['review', 'fix', control, '--app', 'Legacy Export', '--yes', ...data]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.trimEnd().split('\n').pop()).toBe('applied');
    const after = JSON.parse((await keygate(['app', 'show', 'Legacy Export', '--json', ...data])).stdout) as { flows: { usernamePassword: boolean } };
    expect(after.flows.usernamePassword).toBe(false);
  });
});
