// shell-quote was tried and dropped: it backslash-escapes `=` and `,`, so the
// commands we show people (`--advertise-routes\=a\,b`) read badly. This is
// Python's shlex.quote: bare when every character is safe, else one
// single-quoted word with each `'` written as '"'"'. test/core/quote.test.ts
// runs the results through a real /bin/sh and compares argv.
const safe = /^[\w@%+=:,./-]+$/;

export const quoteArgument = (argument: string): string =>
  safe.test(argument) ? argument : `'${argument.replaceAll("'", `'"'"'`)}'`;

/**
 * The one place a command line for a POSIX shell is made: every argument is
 * quoted, so a host name or tag from the tailnet stays one argument, whatever
 * it contains. Use it for remote commands and for commands shown to the user.
 */
export const quoteCommand = (argv: readonly string[]): string => argv.map(quoteArgument).join(' ');
