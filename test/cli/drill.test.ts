// `ha-wizard drill` at the command line, up to where it would contact a host:
// its refusals are one sentence and exit 1, and nothing is contacted first.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {planFor} from '../core/artifacts-plans.js';

const planDir = (controlPlanes: readonly string[], endpoint?: string) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ha-wizard-drill-')), 'plan');
  mkdirSync(dir);
  const plan = planFor('1.36', controlPlanes, ['nuc']);
  const network = endpoint ? {...plan.network, endpoint} : plan.network;
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({...plan, network}));
  return dir;
};

describe('ha-wizard drill', () => {
  it('without --plan: says what it needs, exit 1', () => {
    const result = runCli(['drill', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ha-wizard: drill needs the cluster: --plan DIR (the folder ha-wizard plan --out wrote).\nha-wizard drill --help tells more.\n',
    );
    expect(result.stdout).toBe('');
  });

  it('a missing plan folder: one sentence, no stack, exit 1', () => {
    const result = runCli(['drill', '--plan', '/nonexistent/plan', '--yes', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ha-wizard: There is no plan at \/nonexistent\/plan\/plan\.json\.\n/,
    );
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(result.stdout).toBe('');
  });

  it('without a terminal and without --yes: refuses before contacting any host, and names --yes', () => {
    const result = runCli(['drill', '--plan', planDir(['rpi4-a', 'rpi4-b', 'opi5'])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "ha-wizard: The drill stops a control plane's apiserver and asks first, and there is no terminal to ask on.\nAdd --yes to go ahead without the question.\n",
    );
  });

  it('--node-down without a terminal names what it would stop on this endpoint: keepalived for keepalived + HAProxy', () => {
    const result = runCli([
      'drill',
      '--plan',
      planDir(['rpi4-a', 'rpi4-b', 'opi5'], 'keepalived-haproxy'),
      '--node-down',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "ha-wizard: The drill stops a control plane's keepalived and asks first, and there is no terminal to ask on.\nAdd --yes to go ahead without the question.\n",
    );
  });

  it('a plan with one control plane: nothing to fail over to, exit 1', () => {
    const result = runCli(['drill', '--plan', planDir(['rpi4-a']), '--yes', '--node-down']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ha-wizard: The plan has one control plane; with nowhere to fail over to, a drill would only take the API down.\n',
    );
  });

  it('--node-down on kube-vip without a terminal names what it would stop: kube-vip, its static pod', () => {
    const result = runCli([
      'drill',
      '--plan',
      planDir(['rpi4-a', 'rpi4-b', 'opi5'], 'kube-vip'),
      '--node-down',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "ha-wizard: The drill stops a control plane's kube-vip and asks first, and there is no terminal to ask on.\nAdd --yes to go ahead without the question.\n",
    );
  });

  it('--max-seconds must be a positive number', () => {
    const result = runCli(['drill', '--plan', 'x', '--max-seconds', 'soon']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Give a number of seconds greater than 0/);
  });

  it('--help names the flags and the exit codes', () => {
    const result = runCli(['drill', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--plan',
      '--node-down',
      '--max-seconds',
      '--json',
      '--yes',
      '--identity',
      '--known-hosts',
      '--ssh-user',
    ])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toMatch(
      /Exit codes: 0 the endpoint came back within --max-seconds, 2 it did not,\s+1 the drill could not run/,
    );
  });
});
