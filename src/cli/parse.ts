import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isValidCidr } from '../platform/cidr.js';
import { CliError } from './cli-error.js';

/** Reads a file the user named; an unreadable path is a usage error (exit 2). `what` names it in the message. */
export function readNamedFile(file: string, what = file): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, 2);
  }
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, not "${value}"`, 2);
  return port;
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || n < 1) throw new CliError(`${flag} must be a positive whole number, not "${value}"`, 2);
  return n;
}

/**
 * `--trusted-proxy`: addresses or CIDR ranges, checked before storage is opened (the HTTP
 * server's own check comes only after the configuration file has been applied).
 */
export function parseTrustedProxies(values: readonly string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    if (!isValidCidr(value)) throw new CliError(`--trusted-proxy takes IP addresses or CIDR ranges such as 10.0.0.0/24, not "${value}"`, 2);
    return value.trim();
  });
}

/**
 * Adds `--NAME <VALUE...>`, which replaces a list setting, and `--no-NAME`, which empties it
 * (an empty list cannot be given as values). Read the option with {@link listValue}.
 */
export function addListOption(command: Command, name: string, value: string, what: string): Command {
  return command.option(`--${name} <${value}...>`, `${what} (replaces the list)`).option(`--no-${name}`, `empty the list of ${what}`);
}

/** The list an {@link addListOption} option gives: its values, [] for `--no-NAME`, or undefined when absent. */
export function listValue(option: string[] | false | undefined): string[] | undefined {
  return option === false ? [] : option;
}
