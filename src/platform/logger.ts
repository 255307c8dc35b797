/**
 * The process logger (pino, JSON lines). Secrets never reach it: request bodies are never
 * logged, and the redaction list below censors any field that could carry an assertion, a
 * secret, a token or an Authorization header if one is ever passed by mistake.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'assertion',
  '*.assertion',
  'client_assertion',
  '*.client_assertion',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'privateKey',
  '*.privateKey',
  'consumerSecret',
  '*.consumerSecret',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'keygate' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

export type { Logger };
