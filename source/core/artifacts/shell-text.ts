import {printable} from '../tailnet/printable.js';

/**
 * A `#` comment line for a shell file. A shell comment ends at the first
 * newline, so text from the tailnet (a host name) could otherwise start a
 * command of its own; `printable` turns every line break into a visible escape.
 */
export const shellComment = (text: string): string => (text === '' ? '#' : `# ${printable(text)}`);

/** Lines joined into a file's text, ending in one newline. */
export const shellText = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
