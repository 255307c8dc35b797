/**
 * Errors in the review's own input files (baselines, accepted risks) carry the file's name:
 * one review reads several files, and "name: Required" alone does not say which is wrong.
 */
import { ConfigError } from '../../config/load.js';

/** A {@link ConfigError} about a file's contents, with `file` named before its dotted path; anything else unchanged. */
export function inFile(err: unknown, file: string): unknown {
  if (!(err instanceof ConfigError)) return err;
  return new ConfigError(err.path ? `${file}: ${err.path}` : file, err.problem);
}
