/**
 * The one error a Salesforce metadata review raises for input it cannot use: malformed XML,
 * an unexpected root element or namespace, an unreadable folder, files that contradict each
 * other, or a name holding a control character. The CLI prints its message on one line and
 * exits 2.
 */
import { hasControlCharacter, printable } from '../../report/printable.js';

export class SalesforceMetadataError extends Error {
  constructor(
    message: string,
    /** The file or folder at fault, as the user named it. */
    readonly path: string,
    /** 1-based line, when the problem has one. */
    readonly line?: number,
  ) {
    // The path and any value quoted in the message come from the files: printed as they are,
    // a control character in one would reach the terminal.
    super(printable(line === undefined ? `${path}: ${message}` : `${path}:${line}: ${message}`));
    this.name = 'SalesforceMetadataError';
  }
}

/**
 * Returns `name` (a component, user, profile or permission set name read from `path`), or
 * throws when it holds a control character: no Salesforce name does, Keygate refuses them in
 * its own names (config/schema.ts), and one in a report could forge a line.
 */
export function checkedName(name: string, what: string, path: string, line?: number): string {
  if (hasControlCharacter(name)) throw new SalesforceMetadataError(`${what} "${name}" holds a control character, which no Salesforce name may hold`, path, line);
  return name;
}
