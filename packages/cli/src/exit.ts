import { ExitCode, InputError, errorMessage } from '@glia/core';

/** Prints an error the way every command does and returns its exit code (2 bad input, 1 runtime). */
export function reportError(error: unknown): number {
  if (error instanceof InputError) {
    process.stderr.write(`${error.message}\n`);
    return ExitCode.badInput;
  }
  process.stderr.write(`glia: ${errorMessage(error)}\n`);
  return ExitCode.runtimeFailure;
}
