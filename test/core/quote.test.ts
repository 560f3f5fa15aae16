import {spawnSync} from 'node:child_process';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {quoteCommand} from '../../source/core/remote/quote.js';

// The shell receives the quoted line and prints each argument it ended up with, NUL-separated.
const argvSeenByShell = (line: string): string[] => {
  const result = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], {encoding: 'utf8'});
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
};

describe('quoteCommand', () => {
  it('keeps every argument one argument through a real /bin/sh, whatever it contains', () => {
    const hostile = fc.oneof(
      fc.string({unit: 'grapheme', maxLength: 30}),
      fc.constantFrom(
        "'",
        '"',
        '$(reboot)',
        '`id`',
        'a b',
        ';',
        '&&',
        '|',
        '*',
        '~',
        '\\',
        '\n',
        '-rf',
        '$HOME',
        "it's",
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          hostile.filter((text) => !text.includes('\0')),
          {minLength: 1, maxLength: 6},
        ),
        (argv) => {
          expect(argvSeenByShell(quoteCommand(argv))).toEqual(argv);
        },
      ),
      {numRuns: 200},
    );
  });

  it('leaves plain arguments readable', () => {
    expect(
      quoteCommand(['tailscale', 'set', '--advertise-routes=192.168.1.0/24,10.200.0.1/32']),
    ).toBe('tailscale set --advertise-routes=192.168.1.0/24,10.200.0.1/32');
    expect(quoteCommand(['echo', "it's", ''])).toBe(`echo 'it'"'"'s' ''`);
  });
});
