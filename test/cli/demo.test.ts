/**
 * `keygate demo` (README "Quick start", docs/cli.md): the first command it prints, a token from
 * the demo app's key, works whatever port the demo serves on: `--port 0`, and a demo folder
 * made by an earlier run on another port. The org's base URL is the audience the token command
 * signs for, so it has to follow the port served.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, startInBackground } from './run-cli.js';

const TOKEN_COMMAND = /npx keygate (token .*)/;

/** `keygate demo --port 0`, once it serves and has printed its token command. */
async function startDemo(dataDir: string) {
  const demo = await startInBackground(['demo', '--data', dataDir, '--port', '0'], {}, (output) => TOKEN_COMMAND.test(output), 60_000);
  return { ...demo, tokenCommand: TOKEN_COMMAND.exec(demo.output())![1]!.trim().split(/\s+/) };
}

describe('keygate demo: the token command it prints', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keygate-demo-'));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gets a token with --port 0, and again when the same demo folder is served on another port', async () => {
    const dataDir = join(dir, 'demo');
    for (let run = 0; run < 2; run += 1) {
      const demo = await startDemo(dataDir);
      try {
        expect(demo.url).not.toMatch(/:0$/);
        expect(demo.tokenCommand).toContain(demo.url);
        // The printed key path is relative to where the demo ran; the test runs it from there too.
        const result = await keygate(demo.tokenCommand.map((arg) => (arg.endsWith('erp-sync.key.pem') ? join(dataDir, 'erp-sync.key.pem') : arg)));
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ token_type: 'Bearer', instance_url: demo.url });
      } finally {
        await demo.stop();
      }
    }
  }, 180_000);
});
