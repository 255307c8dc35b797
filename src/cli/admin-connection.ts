/**
 * How admin commands reach the admin API: the server URL, consumer key and username recorded
 * in `DATA/cli.json`, the key in `DATA/admin-cli.key.pem`, an access token from the JWT Bearer
 * flow with the `admin` scope (through `keygate/client`), then plain HTTP. No password or
 * secret is involved, and neither the key, the assertion nor the token is ever printed.
 *
 * A problem+json answer becomes one line on stderr with its `detail` and `code`, exit 1;
 * missing set-up (no profile, no key, no URL) exits 2.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createJwtBearerClient, KeygateClientError, OAuthError } from '../client/index.js';
import { readEnvironment } from '../config/environment.js';
import { CliError } from './cli-error.js';
import { readNamedFile } from './parse.js';
import { ADMIN_KEY_FILE, readCliProfile } from './cli-profile.js';

export const ADMIN_API_PATH = '/admin/api/v1';

/** Options every admin command accepts. */
export interface ConnectionOptions {
  readonly data?: string;
  readonly url?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'data directory with cli.json and admin-cli.key.pem (default: $KEYGATE_DATA_DIR or .keygate)')
    .option('--url <url>', 'server URL (default: the URL `keygate serve` recorded in the data directory)');
}

export interface AdminClient {
  /** Sends a request to the admin API; resolves to the parsed JSON body, or null for 204. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Like {@link request} but returns the raw text body (CSV export). */
  requestText(method: string, path: string, accept: string): Promise<string>;
}

interface Problem {
  readonly detail?: string;
  readonly code?: string;
  readonly title?: string;
}

function describeNetworkError(url: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return `cannot reach Keygate at ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
}

async function readProblem(res: Response): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await res.json()) as Problem;
      if (problem.detail) return problem.code ? `${problem.detail} (${problem.code})` : problem.detail;
    } catch {
      // Fall through to the status line.
    }
  }
  return `the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
}

/** The issuer is the audience the org accepts; it need not be the URL the CLI connects to. */
async function discoverIssuer(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${url}/.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new CliError(describeNetworkError(url, err));
  }
  const metadata = res.ok ? ((await res.json().catch(() => null)) as { issuer?: unknown } | null) : null;
  if (typeof metadata?.issuer !== 'string') throw new CliError(`${url} does not look like a Keygate server (no authorization server metadata)`);
  return metadata.issuer;
}

/** Resolves the data directory, profile and key, and gets an admin access token. */
export async function connectAdmin(opts: ConnectionOptions): Promise<AdminClient> {
  const dataDir = opts.data ?? readEnvironment().dataDir ?? '.keygate';
  const profile = readCliProfile(dataDir);
  const url = (opts.url ?? profile.url)?.replace(/\/+$/, '');
  // An uninitialised directory needs `init` before `serve` can help.
  if (!profile.consumerKey || !profile.username) throw new CliError(`${join(dataDir, 'cli.json')} has no admin credentials: run \`keygate init --data ${dataDir}\` first`, 2);
  if (!url) throw new CliError(`no server URL: start \`keygate serve --data ${dataDir}\` first, or pass --url`, 2);
  const keyFile = join(dataDir, ADMIN_KEY_FILE);
  if (!existsSync(keyFile)) throw new CliError(`${keyFile} is missing: run \`keygate init --data ${dataDir}\` to create the Admin CLI key`, 2);
  const key = readNamedFile(keyFile);

  const issuer = await discoverIssuer(url);
  const tokens = createJwtBearerClient({
    loginUrl: url,
    audience: issuer,
    clientId: profile.consumerKey,
    username: profile.username,
    key,
    scope: 'admin',
    retry: { maxAttempts: 1 },
  });
  let accessToken: string;
  try {
    accessToken = (await tokens.getToken()).access_token;
  } catch (err) {
    if (err instanceof OAuthError) {
      throw new CliError(`Keygate refused the Admin CLI's token request: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`);
    }
    if (err instanceof KeygateClientError) throw new CliError(describeNetworkError(url, err));
    throw err;
  }

  async function send(method: string, path: string, accept: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${url}${ADMIN_API_PATH}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new CliError(describeNetworkError(url!, err));
    }
    if (!res.ok) throw new CliError(await readProblem(res));
    return res;
  }

  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(method, path, 'application/json', body);
      return (res.status === 204 ? null : await res.json()) as T;
    },
    async requestText(method: string, path: string, accept: string): Promise<string> {
      return (await send(method, path, accept)).text();
    },
  };
}

/** Encodes an app or user reference (id or name) for a path segment. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
