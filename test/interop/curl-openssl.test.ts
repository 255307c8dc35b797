/**
 * curl and openssl only, against a Keygate server started here: the classic shell recipe of
 * docs/integrate.md (build the header and claims with printf, sign with `openssl dgst -sha256
 * -sign`, base64url with `openssl base64 -A | tr '+/' '-_' | tr -d '='`, post with curl), run
 * exactly as the page writes it, with bash. The token it gets is then used with curl.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, startInteropServer, type InteropServer } from './interop-server.js';

const run = promisify(execFile);
const MARKER = '<!-- tested: curl-openssl-recipe';
const CLIENT_ID = 'shell-integration';
const USERNAME = 'shell@acme.test';

async function recipeFromDocs(): Promise<string> {
  const page = await readFile(new URL('../../docs/integrate.md', import.meta.url), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(page.slice(page.indexOf(MARKER)));
  if (page.indexOf(MARKER) < 0 || block?.[1] === undefined) throw new Error('recipe block not found in docs/integrate.md');
  return block[1];
}

describe('interop: curl and openssl against Keygate', () => {
  let kg: InteropServer;
  let dir: string;
  let keyFile: string;
  let strangerKeyFile: string;

  beforeAll(async () => {
    const key = await makeKey('RS256', 'shell');
    dir = await mkdtemp(join(tmpdir(), 'keygate-shell-'));
    keyFile = join(dir, 'server.key');
    await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
    strangerKeyFile = join(dir, 'stranger.key');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    await writeFile(strangerKeyFile, stranger, { mode: 0o600 });
    kg = await startInteropServer({
      users: [{ username: USERNAME, profile: 'Integration' }],
      apps: [
        {
          name: 'shell',
          consumerKey: CLIENT_ID,
          certificates: [{ pem: key.certificatePem }],
          flows: { jwtBearer: true },
          policies: { profiles: ['Integration'] },
        },
      ],
    });
  });
  afterAll(async () => {
    await kg?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a bash script with only PATH and the given variables; bounded in time. */
  async function bash(script: string, vars: Record<string, string>): Promise<string> {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars },
      cwd: dir,
      timeout: 20_000,
    });
    return stdout;
  }

  const recipeVars = (key: string) => ({ BASE_URL: kg.url, AUDIENCE: kg.url, CLIENT_ID, USERNAME, KEY_FILE: key });

  it('RFC 7523 §2.1: the recipe of docs/integrate.md gets a token, and curl uses it', { timeout: 30_000 }, async () => {
    const body = JSON.parse(await bash(await recipeFromDocs(), recipeVars(keyFile))) as Record<string, unknown>;
    const org = await kg.server.services.orgs.get();
    expect(body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', instance_url: kg.url, id: expect.stringContaining(`/id/${org.id}/`) });

    const query = await bash(
      'curl -sS --max-time 10 -G -H "Authorization: Bearer $TOKEN" --data-urlencode "q=SELECT Id, Name FROM Organization" "$BASE_URL/services/data/v64.0/query"',
      { BASE_URL: kg.url, TOKEN: body.access_token as string },
    );
    expect(JSON.parse(query)).toMatchObject({ totalSize: 1, records: [{ Id: org.id }] });
  });

  it('RFC 6749 §5.2: the recipe signed with a key the app does not hold is refused, with no-store', { timeout: 30_000 }, async () => {
    // The same recipe, printing the status line and headers as well (curl -i).
    const recipe = (await recipeFromDocs()).replace('curl -sS -X POST', 'curl -sS -i --max-time 10 -X POST');
    const response = await bash(recipe, recipeVars(strangerKeyFile));
    const [head, body] = response.split(/\r\n\r\n/);
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/^cache-control: no-store\r?$/im);
    expect(head).toMatch(/^pragma: no-cache\r?$/im);
    expect(JSON.parse(body!)).toStrictEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });
});
