// Colour for the lines the commands print, only where a person reads them: a
// terminal, unless NO_COLOR (https://no-color.org: set and not empty) or
// FORCE_COLOR=0 says otherwise. A pipe or a file gets plain text, so scripts
// and logs never see escape codes; --json never takes a Style at all.
import {Chalk, supportsColor} from 'chalk';
import {plainStyle, type Style} from '../core/style.js';

export interface ColourStream {
  readonly isTTY?: boolean;
}

/** Whether lines written to `stream` get colour. */
export const wantsColour = (
  stream: ColourStream,
  env: Readonly<Record<string, string | undefined>>,
): boolean => {
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force === '0' || force === 'false') return false;
  if (stream.isTTY !== true) return false;
  return env['TERM'] !== 'dumb';
};

/** chalk's Style for `stream`, or the plain one. */
export const styleFor = (
  stream: ColourStream,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Style => {
  if (!wantsColour(stream, env)) return plainStyle;
  // chalk's own detection picks 16, 256 or true colour; at least 16 on any terminal.
  const chalk = new Chalk({level: Math.max(1, supportsColor ? supportsColor.level : 1) as 1});
  return {
    ok: chalk.green,
    error: chalk.red,
    warning: chalk.yellow,
    dim: chalk.dim,
    bold: chalk.bold,
  };
};

/** The styles of a command's two streams. */
export interface OutputStyles {
  readonly out: Style;
  readonly err: Style;
}

export const plainStyles: OutputStyles = {out: plainStyle, err: plainStyle};

/**
 * Inquirer's look in the same colours (and none where `style` is plain): the
 * summary line a question leaves behind (`✓ Apply this fix on cp1 now? yes`)
 * is output too, and must follow NO_COLOR and the terminal like the rest.
 */
export const questionTheme = (style: Style) => ({
  prefix: {idle: style.warning('?'), done: style.ok('✓')},
  style: {
    answer: style.bold,
    message: (text: string) => style.bold(text),
    // Inquirer's own default wraps the choice in parentheses: (y/N).
    defaultAnswer: (text: string) => style.dim(`(${text})`),
    help: style.dim,
    highlight: style.bold,
    description: style.dim,
    error: style.error,
    key: style.bold,
  },
});

/** This process's stdout and stderr, each judged on its own (one may be a pipe). */
export const processStyles = (): OutputStyles => ({
  out: styleFor(process.stdout),
  err: styleFor(process.stderr),
});
