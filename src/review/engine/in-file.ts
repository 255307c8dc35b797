/**
 * Errors in the review's own input files (baselines, accepted risks) carry the file's name:
 * one review reads several files, and "name: Required" alone does not say which is wrong.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/load.js';

type ReviewInput = 'baseline' | 'accepted risks';

/** Reads and parses one input file; any {@link ConfigError} names the file before its dotted path. */
export function parseFile<T>(file: string, subject: ReviewInput, parse: (text: string) => T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, subject);
  }
  try {
    return parse(text);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.path ? `${file}: ${err.path}` : file, err.problem, subject);
  }
}
