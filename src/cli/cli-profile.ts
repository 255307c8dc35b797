/**
 * What the CLI remembers in the data directory so that admin commands find the server and
 * their credentials: `cli.json` (server URL, Admin CLI consumer key and username) beside
 * `admin-cli.key.pem` (0600). No password or secret is stored: the key signs assertions.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

export interface CliProfile {
  readonly url?: string;
  readonly consumerKey?: string;
  readonly username?: string;
}

export const ADMIN_KEY_FILE = 'admin-cli.key.pem';
const PROFILE_FILE = 'cli.json';

export function readCliProfile(dataDir: string): CliProfile {
  const file = join(dataDir, PROFILE_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CliProfile;
  } catch {
    throw new CliError(`${file} is not valid JSON; run \`keygate init\` again`, 2);
  }
}

export function writeCliProfile(dataDir: string, update: CliProfile): void {
  const next = { ...readCliProfile(dataDir), ...update };
  writeFileSync(join(dataDir, PROFILE_FILE), `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
}
