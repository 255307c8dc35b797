/** A CLI failure: printed as one line on stderr, with its exit code (2 for usage and configuration). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
