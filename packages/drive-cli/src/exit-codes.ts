/** drive-cli's exit codes: stable, documented in the README and `drive-cli --help`. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  clientConfiguration: 3,
  authorizationNotCompleted: 4,
  reauthenticationRequired: 5,
  network: 6,
  localStorage: 7,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: one line for the user, a hint, and the exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage error (exit 2), pointing at the help by default. */
export function usage(message: string, hint?: string): CliError {
  return new CliError(ExitCode.usage, message, hint ?? 'Run drive-cli --help for the options.');
}
