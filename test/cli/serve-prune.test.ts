/**
 * `keygate serve --config FILE --prune`: what the file does not declare is deleted, except what
 * must stay (the ways into the admin API, a user an app runs as), each named in a warning that
 * says why it stayed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, keygate, serve } from './run-cli.js';

describe('keygate serve --prune', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'keygate-prune-'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps and names, on stderr, the administrator, the admin app and a run-as user; deletes the rest', async () => {
    const data = ['--data', join(dir, 'data')];
    expect((await keygate(['init', ...data, '--base-url', 'http://127.0.0.1:8080', '--admin', 'admin@acme.test'])).code).toBe(0);
    const first = await serve([...data, '--port', '0']);
    for (const args of [
      ['user', 'create', 'runner@acme.test'],
      ['user', 'create', 'leaver@acme.test'],
      ['app', 'create', 'Payroll', '--run-as', 'runner@acme.test'],
    ]) {
      const result = await keygate([...args, ...data]);
      expect(result.code, result.stderr).toBe(0);
    }
    await first.stop();
    const file = join(dir, 'keygate.json');
    writeFileSync(file, JSON.stringify({ org: { baseUrl: 'http://127.0.0.1:8080' }, apps: [{ name: 'Payroll', clientCredentialsRunAs: 'runner@acme.test' }] }));

    const server = await serve([...data, '--port', '0', '--config', file, '--prune']);
    const users = await keygate(['user', 'list', ...data]);
    await server.stop();

    const why = 'though the configuration file does not declare it; delete it by name if it should go';
    const warnings = server.output().split('\n').filter((line) => line.startsWith('keygate: warning: --prune kept'));
    expect(warnings.sort()).toEqual([
      `keygate: warning: --prune kept app Admin CLI, which grants the admin scope, ${why}`,
      `keygate: warning: --prune kept user admin@acme.test, who holds ManageUsers, ${why}`,
      `keygate: warning: --prune kept user runner@acme.test, whom an app's Client Credentials flow runs as, ${why}`,
    ]);
    expect(users.stdout).toContain('runner@acme.test');
    expect(users.stdout).not.toContain('leaver@acme.test');
  }, 90_000);
});
