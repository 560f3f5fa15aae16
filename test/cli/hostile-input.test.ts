// Issue 5, "Bad input": a table of broken or hostile inputs through the built
// CLI. Each must end in its one clear sentence (`ha-wizard: …`, at most a
// hint line after it), the documented exit code, no stack trace, and nothing
// written where output was asked for.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {closeTerminals, openTerminal} from '../support/pty.js';

const scratch = mkdtempSync(join(tmpdir(), 'ha-wizard-hostile-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};
const real = new URL(
  '../../fixtures/real/tailscale-status-linux-js-android-1.98.4.json',
  import.meta.url,
);

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly code: number;
  /** The first line of stderr, after `ha-wizard: `. */
  readonly says: RegExp;
  /** A folder that must not exist (or stay empty) afterwards. */
  readonly untouched?: () => string;
}

let good = '';
let planDir = '';
beforeAll(() => {
  good = join(scratch, 'good.json');
  copyFileSync(real, good);
  planDir = join(scratch, 'plan-as-dir');
  mkdirSync(join(planDir, 'plan.json'), {recursive: true});
});

const cases: Case[] = [
  {
    name: 'a status file that does not exist',
    args: () => ['plan', '--status-file', join(scratch, 'nope.json'), '--control-plane', 'a'],
    code: 1,
    says: /^Cannot read the status file .*nope\.json: no such file\.$/,
  },
  {
    name: 'a status file that is a folder',
    args: () => ['plan', '--status-file', scratch, '--control-plane', 'a'],
    code: 1,
    says: /^Cannot read the status file .*: it is a directory\.$/,
  },
  {
    name: 'binary garbage as the status',
    args: () => [
      'plan',
      '--status-file',
      file('garbage.json', Buffer.from([0, 255, 254, 1, 2, 3])),
      '--control-plane',
      'a',
    ],
    code: 1,
    says: /not valid JSON|not .*tailscale status/i,
  },
  {
    name: 'a node name full of shell metacharacters',
    args: () => ['plan', '--status-file', good, '--control-plane', '$(reboot);`id`'],
    code: 1,
    says: /^Unknown node "\$\(reboot\);`id`": no device in .* has that host name/,
  },
  {
    name: '--out under a file (ENOTDIR), nothing written',
    args: () => {
      const blocker = file('blocker', 'not a folder');
      return [
        'plan',
        '--status-file',
        good,
        '--control-plane',
        'larry-ProLiant-ML110-G7',
        '--out',
        join(blocker, 'x'),
      ];
    },
    code: 1,
    says: /^Cannot write to .*blocker\/x: a file is in the way; no file there was left half-written\.$/,
    untouched: () => join(scratch, 'blocker', 'x'),
  },
  {
    name: 'apply on a plan.json that is a folder',
    args: () => ['apply', planDir],
    code: 1,
    says: /^Cannot read .*plan\.json \(EISDIR\)\.$/,
  },
  {
    name: 'apply on a plan that is JSON but no plan',
    args: () => ['apply', join(scratch, 'notaplan')],
    code: 1,
    says: /is not a plan ha-wizard can run/,
  },
  {
    name: 'doctor --json on an unreadable plan',
    args: () => ['doctor', '--json', '--plan', planDir],
    code: 1,
    says: /^Cannot read .*plan\.json \(EISDIR\)\.$/,
  },
  {
    name: 'doctor --json with a kubeconfig that does not exist',
    args: () => ['doctor', '--json', '--kubeconfig', join(scratch, 'nope.kubeconfig')],
    code: 1,
    says: /^Cannot read the kubeconfig .*nope\.kubeconfig \(ENOENT\)\.$/,
  },
  {
    name: 'apply with a command timeout of zero',
    args: () => ['apply', planDir, '--command-timeout', '0'],
    code: 1,
    says: /^Option '--command-timeout <seconds>' argument '0' is invalid\. Give a number of seconds greater than 0, e\.g\. 600\.$/,
  },
  {
    name: 'a mistyped command',
    args: () => ['aply', planDir],
    code: 1,
    says: /^Unknown command "aply"\.$/,
  },
];

describe('hostile and broken input through the CLI', () => {
  beforeAll(() => {
    mkdirSync(join(scratch, 'notaplan'), {recursive: true});
    writeFileSync(join(scratch, 'notaplan', 'plan.json'), '{"nodes": "; rm -rf /"}');
  });

  it.each(cases)('$name', (entry) => {
    const result = runCli(entry.args(), {
      HA_WIZARD_NOW: '2026-11-24T00:00:00Z',
      XDG_STATE_HOME: join(scratch, 'state'),
    });
    expect(result.code, result.stderr).toBe(entry.code);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ha-wizard: /);
    expect(lines[0]?.replace(/^ha-wizard: /, '')).toMatch(entry.says);
    expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    if (entry.untouched) expect(existsSync(entry.untouched())).toBe(false);
    // Nothing half-written beside the scratch files either.
    expect(readdirSync(scratch).filter((name) => name.includes('.tmp'))).toEqual([]);
  });
});

describe('hostile and broken input through the wizard, in a real terminal', () => {
  afterEach(() => closeTerminals());

  it.each([
    {
      name: 'a status file that is not JSON',
      status: () => file('broken.json', '{"Peer": 5'),
      says: /^ha-wizard: .*broken\.json is not valid JSON \(.*\); save it again with `tailscale status --json > FILE`\.$/,
    },
    {
      name: 'a status file that is a folder',
      status: () => scratch,
      says: /^ha-wizard: Cannot read the status file .*: it is a directory\.$/,
    },
  ])('$name: one sentence, exit 1, the terminal given back', async (entry) => {
    const terminal = openTerminal(['--status-file', entry.status()], {env: {NO_COLOR: '1'}});
    expect(await terminal.exit).toBe(1);
    const lines = terminal
      .text()
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    expect(lines[0]).toMatch(entry.says);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(terminal.text()).not.toMatch(/\n\s+at /);
    // Never switched to the alternate screen, or switched back.
    const output = terminal.output();
    expect(output.lastIndexOf('\u001b[?1049h')).toBeLessThanOrEqual(
      output.lastIndexOf('\u001b[?1049l'),
    );
  });
});
