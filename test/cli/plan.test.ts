import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {fixture, runCli} from '../support/cli.js';

const now = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};
const planJson = (args: string[], env = {}) => {
  const result = runCli(['plan', ...args, '--json'], {...now, ...env});
  return {...result, json: result.stdout ? JSON.parse(result.stdout) : undefined};
};
const codes = (json: {findings: Array<{code: string; severity: string}>}) =>
  json.findings.map((finding) => `${finding.severity}:${finding.code}`);
const temp = () => mkdtempSync(join(tmpdir(), 'ha-wizard-test-'));

describe('ha-wizard plan on the demo tailnet', () => {
  it('accepts three control planes and a worker: exit 0 and the documented JSON', () => {
    const {code, json, stderr} = planJson([
      '--demo',
      '--control-plane',
      'rpi4-a,rpi4-b,opi5',
      '--worker',
      'nuc',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(json).toEqual({
      ok: true,
      findings: [],
      nodes: [
        {name: 'rpi4-a', role: 'control-plane', ip: '100.101.7.11'},
        {name: 'rpi4-b', role: 'control-plane', ip: '100.101.7.12'},
        {name: 'opi5', role: 'control-plane', ip: '100.101.7.13'},
        {name: 'nuc', role: 'worker', ip: '100.101.7.14'},
      ],
    });
  });

  it('names nodes by MagicDNS name (with or without the dot) or Tailscale IP, repeated flags included', () => {
    const {code, json} = planJson([
      '--demo',
      '--control-plane',
      'rpi4-a.tail-demo.ts.net.',
      '--control-plane',
      '100.101.7.12,opi5.tail-demo.ts.net',
      '--worker',
      'fd7a:115c:a1e0::7:14',
    ]);
    expect(code).toBe(0);
    expect(json.nodes.map((node: {name: string}) => node.name)).toEqual([
      'rpi4-a',
      'rpi4-b',
      'opi5',
      'nuc',
    ]);
  });

  it('exits 2 with error findings, and 0 for an even count once the user insists', () => {
    const even = ['--demo', '--control-plane', 'rpi4-a,rpi4-b', '--worker', 'nuc'];
    const refused = planJson(even);
    expect(refused.code).toBe(2);
    expect(refused.json.ok).toBe(false);
    expect(codes(refused.json)).toEqual(['error:even-control-planes']);
    expect(refused.json.findings[0].message).toMatch(
      /; make rpi4-b a worker, or add a control plane\. To insist, pass --allow-even-control-planes\.$/,
    );
    const insisted = planJson([...even, '--allow-even-control-planes']);
    expect(insisted.code).toBe(0);
    expect(codes(insisted.json)).toEqual(['warning:even-control-planes']);
  });

  it('reports bad network flags as findings naming the exact text', () => {
    const {code, json} = planJson([
      '--demo',
      '--control-plane',
      'rpi4-a',
      '--vip',
      '10.244.7.7',
      '--pod-cidr',
      '10.244.0.0/16',
      '--service-cidr',
      'nonsense',
    ]);
    expect(code).toBe(2);
    expect(json.findings).toContainEqual({
      code: 'service-cidr-malformed',
      severity: 'error',
      message:
        'Service CIDR "nonsense" is not an IPv4 CIDR such as 10.244.0.0/16; the default is 10.96.0.0/12.',
    });
    expect(codes(json)).toContain('error:cidr-overlap');
  });

  it('prints findings as plain lines without --json', () => {
    const {code, stdout} = runCli(
      ['plan', '--demo', '--control-plane', 'rpi4-a', '--worker', 'thinkpad'],
      now,
    );
    expect(code).toBe(2);
    expect(stdout).toContain(
      '✗ error   node-offline: thinkpad is offline in the tailnet; start it (and tailscaled) or remove it from the cluster.',
    );
    expect(stdout).toContain('! warning single-control-plane: rpi4-a is the only control plane');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      '1 error, 2 warnings: fix the errors and run the plan again.',
    );
  });
});

describe('ha-wizard plan on every real capture', () => {
  it.each([
    [
      'tailscale-status-aws-linux-android-offline-expired-1.84.0.json',
      ['--control-plane', 'ip-172-31-27-131'],
      0,
      ['warning:single-control-plane', 'warning:key-expiry-soon'],
    ],
    [
      'tailscale-status-aws-linux-android-offline-expired-1.84.0.json',
      ['--control-plane', 'ip-172-31-27-131', '--worker', 'pgshospital,xiaomi-22031116ai'],
      2,
      [
        'error:node-key-expired',
        'error:node-not-linux',
        'error:node-key-expired',
        'warning:single-control-plane',
        'warning:key-expiry-soon',
      ],
    ],
    [
      'tailscale-status-headscale-39peers-routes-tags-1.98.2.json',
      ['--control-plane', 'avlview-vostro-3558-kgrabyu6,subnet-router-1,venus-25-wys8dmjt'],
      2,
      ['error:node-offline', 'warning:key-expiry-soon', 'warning:key-expiry-soon'],
    ],
    [
      'tailscale-status-headscale-39peers-routes-tags-1.98.2.utf16le-bom-crlf.json',
      ['--control-plane', '100.64.0.1,subnet-router-1.example.com', '--pod-cidr', '10.0.0.0/16'],
      2,
      [
        'error:cidr-overlap',
        'error:cidr-overlap',
        'error:even-control-planes',
        'warning:key-expiry-soon',
      ],
    ],
    [
      'tailscale-status-linux-js-android-1.98.4.json',
      ['--control-plane', 'larry-ProLiant-ML110-G7'],
      0,
      ['warning:single-control-plane', 'warning:key-expiry-soon'],
    ],
    [
      'tailscale-status-linux-js-android-1.98.4.json',
      ['--control-plane', 'larry-ProLiant-ML110-G7', '--worker', 'I2216'],
      2,
      [
        'error:node-not-linux',
        'error:node-offline',
        'warning:single-control-plane',
        'warning:key-expiry-soon',
        'warning:key-expiry-soon',
      ],
    ],
    [
      'tailscale-status-macos-linux-ios-offline-1.94.2.json',
      ['--control-plane', 'desktop-pc,home-server,100.111.93.67'],
      2,
      [
        'error:node-not-linux',
        'error:node-name-invalid',
        'warning:key-expiry-soon',
        'warning:key-expiry-soon',
        'warning:key-expiry-soon',
      ],
    ],
    [
      'tailscale-status-peers-only-anonymised-1.76.6.json',
      ['--control-plane', 'testhostname'],
      2,
      ['error:node-not-linux', 'warning:single-control-plane', 'warning:key-expiry-untagged'],
    ],
    [
      'tailscale-status-windows-ios-1.102.4.repaired.json',
      ['--control-plane', 'unagi'],
      2,
      ['error:node-not-linux', 'warning:single-control-plane'],
    ],
    [
      'tailscale-status-windows-ios-1.96.3.json',
      ['--control-plane', 'old-x1-carbon'],
      2,
      [
        'error:node-not-linux',
        'error:node-name-invalid',
        'warning:single-control-plane',
        'warning:key-expiry-soon',
      ],
    ],
    [
      'tailscale-status-windows-ios-1.96.3.utf16le-bom-crlf.json',
      ['--control-plane', 'Old_X1_Carbon'],
      2,
      [
        'error:node-not-linux',
        'error:node-name-invalid',
        'warning:single-control-plane',
        'warning:key-expiry-soon',
      ],
    ],
  ])('%s %j → exit %i', (name, args, exit, expected) => {
    const {code, json, stderr} = planJson(['--status-file', fixture(name), ...args]);
    expect(stderr).toBe('');
    expect(code).toBe(exit);
    expect(json.ok).toBe(exit === 0);
    expect(codes(json)).toEqual(expected);
  });

  it('covers every status capture in fixtures/real', () => {
    const covered = readFileSync(new URL(import.meta.url), 'utf8');
    const captures = readdirSync(fixture('.')).filter(
      (file) => file.startsWith('tailscale-status-') && file.endsWith('.json'),
    );
    for (const capture of captures) expect(covered).toContain(`'${capture}'`);
  });
});

describe('ha-wizard plan refuses unusable input with exit 1 and one line', () => {
  const refused = (args: string[], env = {}) => {
    const result = runCli(['plan', ...args], {...now, ...env});
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return result.stderr.trim();
  };

  it.each([
    [
      ['--status-file', '/nonexistent/status.json', '--control-plane', 'a'],
      'ha-wizard: Cannot read the status file /nonexistent/status.json: no such file.',
    ],
    [
      [
        '--status-file',
        fixture('tailscale-status-text-headscale-tagged-exitnodes.txt'),
        '--control-plane',
        'a',
      ],
      /holds the text output of `tailscale status`; run `tailscale status --json` instead\.$/,
    ],
    [
      [
        '--status-file',
        fixture('tailscale-status-windows-1.102.4-cp932-mojibake.invalid-json.txt'),
        '--control-plane',
        'a',
      ],
      /is not valid JSON \(.+ at line \d+, column \d+\); save it again with `tailscale status --json > FILE`\.$/,
    ],
    [
      ['--demo', '--control-plane', 'nope'],
      'ha-wizard: Unknown node "nope": no device in demo has that host name, MagicDNS name or Tailscale IP (`tailscale status` lists them).',
    ],
    [
      ['--demo', '--control-plane', 'rpi4-a', '--worker', 'rpi4-a'],
      'ha-wizard: rpi4-a is named as both a control plane and a worker; give it one role.',
    ],
    [['--demo'], "ha-wizard: Required option '--control-plane <names>' not specified."],
    [
      ['--demo', '--control-plane', 'rpi4-a', '--frobnicate'],
      "ha-wizard: Unknown option '--frobnicate'.",
    ],
  ])('%j', (args, expected) => {
    const message = refused(args as string[]);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('names the ambiguity when several devices share a host name (headscale)', () => {
    expect(
      refused([
        '--status-file',
        fixture('tailscale-status-headscale-39peers-routes-tags-1.98.2.json'),
        '--control-plane',
        'avlview-Vostro-3558',
      ]),
    ).toMatch(
      /^ha-wizard: Node name "avlview-Vostro-3558" matches 7 devices \(avlview-vostro-3558-[a-z0-9]+\.example\.com, .*avlview-vostro-3558-kgrabyu6\.example\.com.*\); name it by MagicDNS name or Tailscale IP instead\.$/,
    );
  });

  it('tells a logged-out user to log in, and an empty file is named as such', () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'out.json'),
      JSON.stringify({BackendState: 'NeedsLogin', Self: null, Peer: null}),
    );
    writeFileSync(join(dir, 'empty.json'), '');
    expect(refused(['--status-file', join(dir, 'out.json'), '--control-plane', 'a'])).toMatch(
      /\(BackendState NeedsLogin\): run `tailscale up` and log in first/,
    );
    expect(refused(['--status-file', join(dir, 'empty.json'), '--control-plane', 'a'])).toMatch(
      /empty\.json is empty: expected the output of `tailscale status --json`\.$/,
    );
  });
});

describe('ha-wizard plan without --status-file runs tailscale itself', () => {
  // A stand-in `tailscale` on PATH that prints a real capture, as the real CLI would.
  const fakeTailscale = (script: string) => {
    const dir = temp();
    writeFileSync(join(dir, 'tailscale'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, 'tailscale'), 0o755);
    return {PATH: `${dir}:/usr/bin:/bin`};
  };

  it('reads `tailscale status --json` and only passes those arguments', () => {
    const env = fakeTailscale(
      `[ "$1 $2 $#" = "status --json 2" ] || exit 9\ncat '${fixture('tailscale-status-macos-linux-ios-offline-1.94.2.json')}'`,
    );
    const {code, json} = planJson(['--control-plane', 'desktop-pc'], env);
    expect(code).toBe(0);
    expect(json.nodes).toEqual([{name: 'desktop-pc', role: 'control-plane', ip: '100.114.214.27'}]);
  });

  it('explains a missing tailscale and a stopped daemon in one line', () => {
    const missing = runCli(['plan', '--control-plane', 'a'], {PATH: temp()});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'ha-wizard: tailscale is not installed here (no `tailscale` on PATH); pass --status-file FILE with the output of `tailscale status --json` from a machine on the tailnet, or try --demo.\n',
    );
    const stopped = runCli(
      ['plan', '--control-plane', 'a'],
      fakeTailscale(
        `echo "failed to connect to local tailscaled; it doesn't appear to be running" >&2; exit 1`,
      ),
    );
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toBe(
      "ha-wizard: `tailscale status --json` failed: failed to connect to local tailscaled; it doesn't appear to be running\n",
    );
  });
});

describe('ha-wizard plan --out', () => {
  const good = ['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--worker', 'nuc'];

  it('creates the folder with plan.json and every artifact', () => {
    const out = join(temp(), 'nested', 'homelab');
    const {code, stdout} = runCli([...good, '--out', out], now);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`Wrote plan.json and \\d+ generated files to ${out}\\n$`));
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(plan.nodes.map((node: {name: string}) => node.name)).toEqual([
      'rpi4-a',
      'rpi4-b',
      'opi5',
      'nuc',
    ]);
    expect(plan.network.vip).toBe('10.200.0.1');
    expect(readdirSync(join(out, '..'))).toEqual(['homelab']);
  });

  it('writes nothing when the plan has errors', () => {
    const out = join(temp(), 'homelab');
    const {code, stderr} = runCli(
      ['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b', '--out', out],
      now,
    );
    expect(code).toBe(2);
    expect(stderr).toBe(`Nothing was written to ${out}: the plan has errors.\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a file in the way and leaves it untouched', () => {
    const dir = temp();
    writeFileSync(join(dir, 'taken'), 'keep me');
    const {code, stderr} = runCli([...good, '--out', join(dir, 'taken')], now);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `ha-wizard: Cannot write to ${join(dir, 'taken')}: it is a file, not a folder; choose another --out.\n`,
    );
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('replaces its own files in an existing folder and keeps the user’s other files', () => {
    const out = temp();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'plan.json'), 'old');
    expect(runCli([...good, '--out', out], now).code).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).clusterName).toBe('homelab');
    expect(readdirSync(out).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('help, version and the terminal check', () => {
  it('prints help for the program and the plan command, and the version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ha-wizard \[options\] \[command\]/);
    expect(help.stdout).toContain('plan [options]');
    const planHelp = runCli(['plan', '--help']);
    expect(planHelp.code).toBe(0);
    expect(planHelp.stdout).toContain('--control-plane <names>');
    expect(planHelp.stdout).toContain(
      'Exit codes: 0 no error findings, 2 error findings, 1 unusable input',
    );
    const version = runCli(['--version']);
    expect(version.stdout).toBe(
      `${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`,
    );
  });

  it('refuses to draw the wizard without a terminal and points to `plan`', () => {
    const {code, stdout, stderr} = runCli(['--demo']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'ha-wizard: the wizard needs an interactive terminal; in scripts and pipes use `ha-wizard plan` (see `ha-wizard plan --help`).\n',
    );
  });
});
