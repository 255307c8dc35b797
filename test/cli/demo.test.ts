/**
 * `keygate demo` (README "Quick start", docs/cli.md): the first command it prints, a token from
 * the demo app's key, works whatever port the demo serves on: `--port 0`, and a demo folder
 * made by an earlier run on another port. The org's base URL is the audience the token command
 * signs for, so it has to follow the port served.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, ROOT } from './run-cli.js';

interface Demo {
  readonly url: string;
  readonly tokenCommand: string[];
  stop(): Promise<void>;
}

function startDemo(dataDir: string): Promise<Demo> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/keygate.js'), 'demo', '--data', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, KEYGATE_DATA_DIR: '', KEYGATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveDemo, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keygate demo did not start:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /keygate listening on (\S+)/.exec(output)?.[1];
      const command = /npx keygate (token .*)/.exec(output)?.[1];
      if (!url || !command) return;
      clearTimeout(timer);
      resolveDemo({
        url,
        tokenCommand: command.trim().split(/\s+/),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`keygate demo exited with ${code}:\n${output}`));
    });
  });
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
