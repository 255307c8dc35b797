/**
 * A reader that stops early (`keygate review --format json | head -c 10`) closes the CLI's
 * standard output. The CLI stops writing and exits quietly: no stack trace, no error line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './run-cli.js';

const CONFIG = `org: { name: Acme, baseUrl: https://keygate.example.com }
users: [{ username: svc@example.com, profile: Integration }]
apps:
${Array.from({ length: 200 }, (_, i) => `  - { name: app-${i}, scopes: [api, full], flows: { jwtBearer: false } }`).join('\n')}
`;

describe('CLI output to a closed pipe', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-pipe-'));
    await writeFile(join(dir, 'keygate.yaml'), CONFIG);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 without a word on stderr when the reader has gone (EPIPE)', async () => {
    const child = spawn(process.execPath, ['bin/keygate.js', 'review', '--config', join(dir, 'keygate.yaml'), '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, KEYGATE_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader leaves before the review is written: every write finds the pipe closed.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
