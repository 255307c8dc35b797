import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { CertificateRejectedError, inspectCertificatePem, type ParsedCertificate } from '../platform/x509.js';
import { ConfigFileSchema, type AppConfig, type ConfigFile, type UserConfig } from './schema.js';

/** A configuration problem, naming the dotted path of the offending key. */
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    /** What kind of input is wrong, for the CLI's one line: `invalid baseline: …`. */
    readonly subject: 'configuration' | 'baseline' | 'accepted risks' = 'configuration',
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'ConfigError';
  }
}

/** A certificate declared in the file, parsed but not yet judged for strength or dates. */
export interface DeclaredCertificate {
  /** Where it came from, for messages: `apps.0.certificates.1 (certs/erp.crt.pem)`. */
  readonly source: string;
  /** The dotted path of its `file` or `pem` key, where a refusal of it is reported. */
  readonly key: string;
  readonly parsed: ParsedCertificate;
}

export interface DeclaredUser extends UserConfig {
  /** The password read from `passwordEnv`, when set and present. */
  readonly password: string | undefined;
}

export interface DeclaredApp extends Omit<AppConfig, 'certificates'> {
  readonly certificates: readonly DeclaredCertificate[];
  /** The consumer secret read from `consumerSecretEnv`, when set and present. */
  readonly consumerSecret: string | undefined;
}

/** The configuration file after validation, with file references and environment values resolved. */
export interface DeclaredConfig {
  readonly org: ConfigFile['org'];
  readonly users: readonly DeclaredUser[];
  readonly apps: readonly DeclaredApp[];
  readonly oauth?: ConfigFile['oauth'];
  readonly storage: ConfigFile['storage'];
}

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  return new ConfigError(issue.path.map(String).join('.'), issue.message);
}

export interface ParseOptions {
  /**
   * Whether `passwordEnv` and `consumerSecretEnv` must be set and are read (the default). An
   * offline review only asks whether a secret is declared, so it runs where the secrets are not,
   * as in a pull-request check; the values are then left undefined.
   */
  readonly readSecrets?: boolean;
}

/** Reads, parses and validates a configuration file. Throws {@link ConfigError}. */
export function loadConfigFile(file: string, env: Readonly<Record<string, string | undefined>>, options: ParseOptions = {}): DeclaredConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseConfig(text, { ...options, baseDir: dirname(resolve(file)), env });
}

/** Validates configuration text (YAML or JSON). Throws {@link ConfigError}. */
export function parseConfig(
  text: string,
  options: ParseOptions & { baseDir: string; env: Readonly<Record<string, string | undefined>> },
): DeclaredConfig {
  // Messages name the line and the error's code, never the text, which may hold a secret.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new ConfigError('', `not valid YAML at line ${lineCounter.linePos(err.pos[0]).line}: ${err.code}`);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // Chiefly aliases expanding past the parser's limit (a "billion laughs" file).
    throw new ConfigError('', `cannot be read: ${(err as Error).message}`);
  }
  const result = ConfigFileSchema.safeParse(value ?? {});
  if (!result.success) throw firstIssue(result.error);
  const config = result.data;
  rejectDuplicates(config.users.map((u) => u.username), 'users', 'username');
  rejectDuplicates(config.apps.map((a) => a.name), 'apps', 'name');
  rejectDuplicates(
    config.apps.map((a) => a.consumerKey ?? `\0${a.name}`),
    'apps',
    'consumerKey',
  );
  const secret = (name: string | undefined, path: string) => (options.readSecrets === false ? undefined : readEnv(options.env, name, path));
  return {
    org: config.org,
    oauth: config.oauth,
    storage: config.storage,
    users: config.users.map((user, i) => ({
      ...user,
      password: secret(user.passwordEnv, `users.${i}.passwordEnv`),
    })),
    apps: config.apps.map((app, i) => ({
      ...app,
      certificates: app.certificates.map((ref, j) => readCertificate(ref, `apps.${i}.certificates.${j}`, options.baseDir)),
      consumerSecret: secret(app.consumerSecretEnv, `apps.${i}.consumerSecretEnv`),
    })),
  };
}

function rejectDuplicates(values: string[], list: string, key: string): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) throw new ConfigError(`${list}.${i}.${key}`, `duplicate ${key} "${value}"`);
    seen.add(value);
  });
}

function readEnv(env: Readonly<Record<string, string | undefined>>, name: string | undefined, path: string): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(path, `environment variable ${name} is not set`);
  return value;
}

function readCertificate(ref: { file: string } | { pem: string }, path: string, baseDir: string): DeclaredCertificate {
  let pem: string;
  let source = path;
  if ('file' in ref) {
    source = `${path} (${ref.file})`;
    try {
      pem = readFileSync(resolve(baseDir, ref.file), 'utf8');
    } catch (err) {
      throw new ConfigError(`${path}.file`, `cannot read ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  } else {
    pem = ref.pem;
  }
  const key = 'file' in ref ? `${path}.file` : `${path}.pem`;
  try {
    return { source, key, parsed: inspectCertificatePem(pem) };
  } catch (err) {
    if (err instanceof CertificateRejectedError) throw new ConfigError(key, err.message);
    throw err;
  }
}
