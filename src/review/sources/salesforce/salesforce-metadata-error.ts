/**
 * The one error a Salesforce metadata review raises for input it cannot use: malformed XML,
 * an unexpected root element or namespace, an unreadable folder, or files that contradict
 * each other. The CLI prints its message on one line and exits 2.
 */
export class SalesforceMetadataError extends Error {
  constructor(
    message: string,
    /** The file or folder at fault, as the user named it. */
    readonly path: string,
    /** 1-based line, when the problem has one. */
    readonly line?: number,
  ) {
    super(line === undefined ? `${path}: ${message}` : `${path}:${line}: ${message}`);
    this.name = 'SalesforceMetadataError';
  }
}
