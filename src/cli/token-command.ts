/** `keygate token`: sign an assertion and exchange it for an access token (Keygate or Salesforce). */
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AssertionSigningError, createJwtBearerClient, type JwtBearerClient, OAuthError, type TokenResponse } from '../client/index.js';
import { CliError } from './cli-error.js';
import { KEY_PASSPHRASE_OPTION, readSigningKeyFile } from './signing-key-file.js';
import { printJson, warn } from './output.js';

export interface TokenOptions {
  url: string;
  clientId: string;
  username: string;
  key: string;
  keyPassphraseEnv?: string;
  audience?: string;
  scope?: string;
  cache?: string;
}

interface CachedToken {
  readonly key: string;
  readonly expiresAtMs: number;
  readonly token: TokenResponse;
}

/** A cached token is reused only for the same request (server, app, user, scope, audience, key), and while it has a minute left. */
function readCache(file: string, key: string): TokenResponse | null {
  if (!existsSync(file)) return null;
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedToken;
    const msLeft = cached.expiresAtMs - Date.now();
    if (cached.key !== key || msLeft <= 60_000) return null;
    // expires_in counts from the answer (RFC 6749 §5.1): a cached answer tells what is left.
    return cached.token.expires_in === undefined ? cached.token : { ...cached.token, expires_in: Math.floor(msLeft / 1000) };
  } catch {
    return null;
  }
}

/**
 * Writes the cache through a new file, created 0600, renamed over FILE: `writeFileSync`'s mode
 * applies only to a file it creates, so writing in place would leave the token in a FILE that
 * others can already read, and a reader would never see half a file.
 */
function writeCache(file: string, cached: CachedToken): void {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(cached), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}

/** `--url`: an absolute http(s) URL, else a usage error. */
function parseServerUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CliError(`--url must be an absolute http(s) URL such as http://127.0.0.1:8080, not "${value}"`, 2);
  }
  return value.replace(/\/$/, '');
}

export async function fetchToken(opts: TokenOptions): Promise<TokenResponse> {
  const loginUrl = parseServerUrl(opts.url);
  // The client library refuses these too, but by its option names and as a failure (exit 1).
  if (opts.clientId === '') throw new CliError('--client-id must not be empty', 2);
  if (opts.username === '') throw new CliError('--username must not be empty', 2);
  const key = readSigningKeyFile(opts.key, opts.keyPassphraseEnv);
  let client: JwtBearerClient;
  try {
    client = createJwtBearerClient({
      loginUrl,
      clientId: opts.clientId,
      username: opts.username,
      key,
      ...(opts.audience !== undefined && { audience: opts.audience }),
      ...(opts.scope !== undefined && { scope: opts.scope }),
    });
  } catch (err) {
    // The key is checked here, before anything is sent; name the file, as `keygate assertion` does.
    if (err instanceof AssertionSigningError) throw new CliError(`cannot sign with ${opts.key}: ${err.message}`);
    throw err;
  }
  // A cached token answers only for the same request: another key or audience must reach the
  // server, or checking a new key would print the old key's token. The key is named by the
  // SHA-256 of its public half, taken from the private key: given a bundle, createPublicKey
  // alone reads the certificate, which a new key may still be bundled with.
  const publicKey = createHash('sha256').update(createPublicKey(typeof key === 'string' ? createPrivateKey(key) : key).export({ type: 'spki', format: 'der' })).digest('base64url');
  const cacheKey = [opts.url, opts.clientId, opts.username, opts.scope ?? '', opts.audience ?? '', publicKey].join('|');
  if (opts.cache) {
    const cached = readCache(opts.cache, cacheKey);
    if (cached) return cached;
  }
  let token: TokenResponse;
  try {
    token = await client.getToken();
  } catch (err) {
    if (err instanceof OAuthError) throw new CliError(`the server refused the token request: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`);
    throw new CliError(`could not get a token from ${opts.url}: ${(err as Error).message}`);
  }
  if (opts.cache) {
    const expiresAtMs = Date.now() + (token.expires_in ?? 900) * 1000;
    try {
      writeCache(opts.cache, { key: cacheKey, expiresAtMs, token });
    } catch (err) {
      // The token is good; only the next run's reuse of it is lost.
      warn(`keygate: warning: cannot write the token cache ${opts.cache}: ${(err as NodeJS.ErrnoException).code ?? 'unwritable'}`);
    }
  }
  return token;
}

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('sign an assertion with your key and exchange it for an access token (JWT Bearer flow)')
    .requiredOption('--url <base>', 'server base URL, e.g. http://127.0.0.1:8080 or https://login.salesforce.com')
    .requiredOption('--client-id <key>', "the app's consumer key (the assertion's iss)")
    .requiredOption('--username <user>', "the user the token acts as (the assertion's sub)")
    .requiredOption('--key <file>', 'private key (PKCS#8 PEM) matching a certificate on the app')
    .option(...KEY_PASSPHRASE_OPTION)
    .option('--audience <aud>', 'assertion audience (default: the base URL)')
    .option('--scope <scopes>', 'narrow the granted scopes (space-separated)')
    .option('--cache <file>', 'reuse a cached token from this file (written 0600) while it is fresh')
    .action(async (opts: TokenOptions) => {
      printJson(await fetchToken(opts));
    });
}
