import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {goldenCases, planFor} from '../core/artifacts-plans.js';

const now = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};
const temp = () => mkdtempSync(join(tmpdir(), 'ha-wizard-apply-'));
const withPlan = (content: string) => {
  const dir = temp();
  writeFileSync(join(dir, 'plan.json'), content);
  return dir;
};

describe('ha-wizard apply', () => {
  it('names a missing plan in one sentence and says how to write one: exit 1', () => {
    const dir = join(temp(), 'nowhere');
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `ha-wizard: There is no plan at ${join(dir, 'plan.json')}.\nWrite one with: ha-wizard plan … --out ${dir}\n`,
    );
  });

  it('refuses malformed JSON: exit 1', () => {
    const dir = withPlan('{"schemaVersion": 1,');
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      `ha-wizard: ${join(dir, 'plan.json')} is not valid JSON.`,
    );
  });

  it('refuses JSON that is not a plan, naming where: exit 1', () => {
    const plan = {...goldenCases['A']!, nodes: [{name: 'x'}]};
    const dir = withPlan(JSON.stringify(plan));
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not a plan ha-wizard can run: .* at nodes\.0\.id\./);
  });

  it('re-validates the plan and runs nothing when it has errors: exit 2', () => {
    const plan = planFor('1.36', [], ['nuc']); // no control plane
    const dir = withPlan(JSON.stringify(plan));
    mkdirSync(join(dir, 'state'));
    const result = runCli(['apply', dir], {...now, XDG_STATE_HOME: join(dir, 'state')});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: ');
    expect(result.stderr).toContain('Nothing was run');
  });

  it('refuses a plan made on the demo tailnet, whose hosts are made up: exit 1, nothing contacted', () => {
    const out = join(temp(), 'demo');
    expect(
      runCli(['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--out', out], now).code,
    ).toBe(0);
    const result = runCli(['apply', out, '--yes'], {...now, XDG_STATE_HOME: join(out, 'state')});
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `ha-wizard: The plan in ${out} was made on the demo tailnet, whose hosts are made up, so there is nothing to run it on.\nPlan against your own tailnet: ha-wizard plan --control-plane … --out DIR (without --demo).\n`,
    );
  });

  it('documents its flags and exit codes', () => {
    const result = runCli(['apply', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--yes',
      '--known-hosts',
      '--accept-new-host-keys',
      '--identity',
      '--ssh-user',
      '--json',
    ])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('130 stopped with Ctrl-C');
  });
});
