/** The only place Keygate reads process.env. Each variable is documented in docs/configuration.md. */
import type { LogLevel } from '../platform/logger.js';

export interface Environment {
  /** KEYGATE_DATA_DIR: where the SQLite database and generated keys live (default ./.keygate). */
  readonly dataDir: string | undefined;
  /** KEYGATE_LOG_LEVEL: pino level (default info). */
  readonly logLevel: LogLevel | undefined;
  /** KEYGATE_DATABASE_URL: a postgres:// URL selects PostgreSQL instead of SQLite. */
  readonly databaseUrl: string | undefined;
  /** KEYGATE_REDIS_URL: optional Redis for replay, revocation and change notifications. */
  readonly redisUrl: string | undefined;
  /** Everything, for `passwordEnv` / `consumerSecretEnv` references in the configuration file. */
  readonly all: Readonly<Record<string, string | undefined>>;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const level = env.KEYGATE_LOG_LEVEL;
  return {
    dataDir: env.KEYGATE_DATA_DIR || undefined,
    logLevel: level && LEVELS.has(level) ? (level as LogLevel) : undefined,
    databaseUrl: env.KEYGATE_DATABASE_URL || undefined,
    redisUrl: env.KEYGATE_REDIS_URL || undefined,
    all: env,
  };
}
