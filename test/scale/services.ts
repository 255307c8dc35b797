/**
 * Stops and starts the machine's own PostgreSQL and Redis for the failure tests, with the
 * commands the CI image documents. Every call is bounded in time and touches loopback only;
 * `start*` waits until the service answers again.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 30_000;

function postgresVersion(): string {
  const [version] = readdirSync('/etc/postgresql');
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return version;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come back within ${timeoutMs} ms`);
}

export async function stopPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'stop', '--', '-m', 'fast'], { timeout: COMMAND_TIMEOUT_MS });
}

export async function startPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'start'], { timeout: COMMAND_TIMEOUT_MS }).catch((err: unknown) => {
    // Already running is fine (a previous attempt may have started it).
    if (!String((err as { stderr?: string }).stderr ?? err).includes('already running')) throw err;
  });
  await waitFor(async () => (await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { timeout: 5000 }), true), COMMAND_TIMEOUT_MS, 'PostgreSQL');
}

export async function stopRedis(): Promise<void> {
  await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], { timeout: COMMAND_TIMEOUT_MS }).catch(() => {
    // redis-cli reports the dropped connection of a successful shutdown as an error.
  });
  await waitFor(async () => !(await redisAnswers()), COMMAND_TIMEOUT_MS, 'Redis shutdown');
}

export async function startRedis(): Promise<void> {
  if (!(await redisAnswers())) {
    await run(
      'redis-server',
      ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'],
      { timeout: COMMAND_TIMEOUT_MS },
    );
  }
  await waitFor(redisAnswers, COMMAND_TIMEOUT_MS, 'Redis');
}

async function redisAnswers(): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], { timeout: 5000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}
