/**
 * Runs the curl + openssl recipe of docs/integrate.md, exactly as written there, against a
 * local stand-in token endpoint, and checks the request it sends: so the page cannot drift
 * into a recipe that does not work.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EndpointStub, startEndpointStub } from './token-endpoint-stub.js';

const run = promisify(execFile);
const MARKER = '<!-- tested: curl-openssl-recipe';

async function recipeFromDocs(): Promise<string> {
  const page = await readFile(new URL('../../docs/integrate.md', import.meta.url), 'utf8');
  const after = page.slice(page.indexOf(MARKER));
  const block = /```sh\n([\s\S]*?)```/.exec(after);
  if (page.indexOf(MARKER) < 0 || block?.[1] === undefined) throw new Error('recipe block not found in docs/integrate.md');
  return block[1];
}

describe('docs/integrate.md: curl and openssl recipe', () => {
  let stub: EndpointStub;
  let dir: string;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    stub = await startEndpointStub();
    dir = await mkdtemp(join(tmpdir(), 'keygate-recipe-'));
  });
  afterAll(async () => {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('RFC 7523 §2.1: posts a form with grant_type and an RS256 assertion jose verifies, and prints the token response', async () => {
    const keyFile = join(dir, 'server.key');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await recipeFromDocs()], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        BASE_URL: stub.url,
        AUDIENCE: stub.url,
        CLIENT_ID: '3MVG9examplekey',
        USERNAME: 'integration@example.com',
        KEY_FILE: keyFile,
      },
    });

    expect(JSON.parse(stdout)).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
    const [request] = stub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/oauth2/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = request?.form.get('assertion') ?? '';
    expect(assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, { algorithms: ['RS256'] });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: '3MVG9examplekey', sub: 'integration@example.com', aud: stub.url });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(180);
    expect(payload.jti).toMatch(/^[0-9a-f]{32}$/);
  });
});
