/**
 * The one error the CLI reports: a stable `code` (the server's, when the
 * server refused), a sentence, and the exit code it ends the process with.
 */

/** Exit codes: 0 success, 1 the server or the network failed, 2 the command line is wrong. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * @example
 * throw new CliError('missing_token', 'pass --token or set TIDEMARK_TOKEN', EXIT.usage);
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
  ) {
    super(message);
  }
}

/** Tests the shape, not the class: a bundled copy of this module has a class of its own. */
export function isCliError(error: unknown): error is CliError {
  return (
    error instanceof Error &&
    typeof (error as Partial<CliError>).code === 'string' &&
    typeof (error as Partial<CliError>).exitCode === 'number'
  );
}

/** The line printed on stderr: `error: <code>: <message>`. */
export function errorLine(error: unknown): string {
  if (isCliError(error)) return `error: ${error.code}: ${error.message}`;
  return `error: internal: ${error instanceof Error ? error.message : String(error)}`;
}
