/**
 * The configuration file as a contract (issue: "an invalid file stops start-up with a message
 * naming the dotted path and the problem"): what is refused, how it is named, and that no
 * message repeats the file's text, which may hold a secret.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const BASE = { baseDir: '/nonexistent', env: {} };

function problemOf(text: string, options: Partial<Parameters<typeof parseConfig>[1]> = {}): ConfigError {
  try {
    parseConfig(text, { ...BASE, ...options });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration file', () => {
  it('names the dotted path of an invalid value and the problem', () => {
    const err = problemOf('org: { baseUrl: "https://kg.test", clockSkewSeconds: 9999 }');
    expect(err.message).toBe('org.clockSkewSeconds: Too big: expected number to be <=300');
    expect(problemOf('org: { baseUrl: "https://kg.test" }\napps: [{ name: A, scopes: "api" }]').path).toBe('apps.0.scopes');
  });

  it('refuses a base URL that is not a URL at all by its path, instead of failing while checking its form', () => {
    expect(problemOf('org: { baseUrl: "not a url" }').message).toBe('org.baseUrl: must be an http(s) URL');
  });

  it('reads lists as sets: an entry listed twice is refused at its own path', () => {
    const err = problemOf('org: { baseUrl: "https://kg.test" }\nusers: [{ username: a@kg.test, permissionSets: [ERP, "ERP "] }]');
    expect(err.message).toBe('users.0.permissionSets.1: "ERP" is listed twice');
  });

  it('names the line of a YAML syntax error, and not its text', () => {
    const err = problemOf('org:\n  baseUrl: https://kg.test\n  name: "s3cr3t-in-an-unclosed-string\n');
    expect(err.message).toMatch(/^not valid YAML at line \d+: [A-Z_]+$/);
    expect(err.message).not.toContain('s3cr3t');
    expect(problemOf('org: {}\norg: {}\n').message).toBe('not valid YAML at line 2: DUPLICATE_KEY');
  });

  it('refuses aliases that expand past the parser limit (a "billion laughs" file) as a configuration error', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i += 1) laughs.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const err = problemOf(`${laughs.join('\n')}\norg: { baseUrl: "https://kg.test" }\n`);
    expect(err.message).toMatch(/^cannot be read: Excessive alias count/);
  });

  it('requires the environment variables that hold secrets, unless secrets are not to be read', () => {
    const text = 'org: { baseUrl: "https://kg.test" }\nusers: [{ username: a@kg.test, passwordEnv: A_PASSWORD }]\napps: [{ name: A, consumerSecretEnv: A_SECRET }]';
    expect(problemOf(text).message).toBe('users.0.passwordEnv: environment variable A_PASSWORD is not set');
    const withSecrets = parseConfig(text, { ...BASE, env: { A_PASSWORD: 'correct horse battery', A_SECRET: 'shh' } });
    expect(withSecrets.users[0]!.password).toBe('correct horse battery');
    expect(withSecrets.apps[0]!.consumerSecret).toBe('shh');
    // An offline review only asks whether a secret is declared.
    const declared = parseConfig(text, { ...BASE, readSecrets: false });
    expect(declared.users[0]).toMatchObject({ passwordEnv: 'A_PASSWORD', password: undefined });
    expect(declared.apps[0]).toMatchObject({ consumerSecretEnv: 'A_SECRET', consumerSecret: undefined });
  });
});
