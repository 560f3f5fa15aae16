// A failed step as people need it (issue 3): the command, its exit code, the
// last lines of stderr and a suggested fix travel with the error, so the
// runner can report it without knowing what the phase was doing.
import type {StepFailure} from '../core/run/events.js';
import {InputError} from '../core/errors.js';
import {HostError} from './host/host.js';

export class StepError extends Error {
  override readonly name = 'StepError';
  constructor(readonly failure: StepFailure) {
    super(failure.message);
  }
}

/** The run was stopped (Ctrl-C): not a failure of any host. */
export class RunAborted extends Error {
  override readonly name = 'RunAborted';
  constructor() {
    super('The run was stopped.');
  }
}

export const tailLines = (text: string, count = 8): string[] =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-count);

/** Any error from a step as a StepFailure; a bug keeps its message and says so. */
export const failureOf = (error: unknown): StepFailure => {
  if (error instanceof StepError) return error.failure;
  if (error instanceof HostError) {
    return {
      message: error.message,
      ...(error.command === undefined ? {} : {command: error.command}),
      stderrTail: [],
      ...(error.hint === undefined ? {} : {suggestion: error.hint}),
    };
  }
  if (error instanceof InputError) {
    return {
      message: error.message,
      stderrTail: [],
      ...(error.hint === undefined ? {} : {suggestion: error.hint}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message,
    stderrTail: [],
    suggestion: 'This looks like a bug in ha-wizard; the log file has the details.',
  };
};
