/**
 * A problem with what the user gave us (a file, a flag, a name). It carries one
 * sentence naming what and why, and the exit code the CLI maps it to. Anything
 * that is not an InputError is a bug and is reported as one.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
