/** Exit codes of the glia command, documented in the CLI README. */
export const ExitCode = { ok: 0, runtimeFailure: 1, badInput: 2 } as const;

/** An error in user input (config, rules, files): exit code 2, message says where and what. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Wraps an error with the name of the plugin it came from. */
export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly phase: string,
    override readonly cause: unknown,
  ) {
    super(`plugin ${plugin}: ${phase} failed: ${errorMessage(cause)}`);
    this.name = 'PluginError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
