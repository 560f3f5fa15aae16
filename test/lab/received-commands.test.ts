// The check the lab's security test relies on (received-commands.ts) must be
// able to fail: it flags each way a value can reach a shell unquoted, and
// passes the lines the wizard's own quoting makes.
import {describe, expect, it} from 'vitest';
import {quoteCommand} from '../../source/core/remote/quote.js';
import {remoteCommandLine} from '../../source/engine/host/command-line.js';
import {openValues} from './received-commands.js';

const values = [
  'cp1',
  'cp1.tail-lab.ts.net',
  '100.64.10.11',
  'tag:k8s-control-plane',
  "ev'il $(x)",
];

describe('openValues', () => {
  it('passes argv quoted by the wizard, under sudo too, whatever the value holds', () => {
    for (const value of values) {
      for (const line of [
        quoteCommand(['tailscale', 'ping', '--c', '1', value]),
        remoteCommandLine(['sh', '-c', 'exec cat -- "$1"', 'sh', value], 'non-interactive'),
        remoteCommandLine(['kubectl', 'get', 'node', value], 'password'),
      ])
        expect(openValues(line, values), line).toEqual([]);
    }
  });

  it('flags a value pasted into a script, shell syntax, and a value split into words', () => {
    expect(openValues(`sh -c 'tailscale ping cp1'`, values)).toEqual([
      '"cp1" is pasted into a shell script in: sh -c \'tailscale ping cp1\'',
      '"cp1" is split by the shell in: sh -c \'tailscale ping cp1\'',
    ]);
    expect(openValues('tailscale ping cp1; true', values)[0]).toMatch(
      /^shell syntax outside quotes/,
    );
    expect(openValues('echo $HOME', values)[0]).toMatch(/^shell syntax outside quotes/);
    expect(openValues("echo ev'il $(x)'", values)).toContain(
      `"ev'il $(x)" is split by the shell in: echo ev'il $(x)'`,
    );
  });
});
