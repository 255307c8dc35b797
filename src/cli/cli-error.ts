/** A CLI failure: printed as one line on stderr, with its exit code (2 for usage and configuration). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(printable(message));
    this.name = 'CliError';
  }
}

/**
 * A message as one printable line. Messages quote what a server sent (an `error_description`, a
 * problem's `detail`), and a line break or a terminal escape in that text must neither add a
 * line that reads as the CLI's own nor drive the terminal: each control character becomes a space.
 */
function printable(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
