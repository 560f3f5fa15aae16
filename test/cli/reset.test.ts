// `ha-wizard reset` at the command line, up to where it would contact a host:
// which cluster, the full list, and no change without a yes.
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {planFor} from '../core/artifacts-plans.js';

const now = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};
const realPlan = (clusterName = 'homelab') => {
  const plan = planFor('1.36', ['rpi4-a', 'rpi4-b', 'opi5'], ['nuc']);
  return {
    ...plan,
    clusterName,
    nodes: plan.nodes.map((node, index) => ({...node, id: `nTEST${index}CNTRL`})),
  };
};

const savedRun = async (state: string, clusterName = 'homelab') => {
  const {recordRun} = await import('../../source/engine/run-store.js');
  const recorder = await recordRun(join(state, 'ha-wizard'), realPlan(clusterName) as never, {
    now: () => new Date('2026-11-23T10:00:00Z'),
  });
  recorder.event({
    type: 'host-change',
    at: 0,
    phase: 'tailscale-flags',
    host: 'nuc',
    change: {kind: 'accept-routes', previous: false},
  });
  return recorder.path;
};

describe('ha-wizard reset', () => {
  it('without a saved run and without a plan: says it does not know the hosts, exit 1', () => {
    const state = mkdtempSync(join(tmpdir(), 'ha-wizard-reset-'));
    const result = runCli(['reset', '--yes'], {...now, XDG_STATE_HOME: state});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ha-wizard: There is no saved run of any cluster here, so reset does not know the hosts.\nGive the plan the cluster was built from: ha-wizard reset --plan DIR\n',
    );
    const named = runCli(['reset', 'lab', '--yes'], {...now, XDG_STATE_HOME: state});
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('There is no saved run of cluster lab');
  });

  it('with several saved clusters it asks which one', async () => {
    const state = mkdtempSync(join(tmpdir(), 'ha-wizard-reset-'));
    await savedRun(state, 'homelab');
    await savedRun(state, 'garage');
    const result = runCli(['reset', '--yes'], {...now, XDG_STATE_HOME: state});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ha-wizard: There are saved runs of 2 clusters (garage, homelab): which one?\nName it: ha-wizard reset garage\n',
    );
  });

  it('without a terminal and without --yes: shows the full list, changes nothing, exit 1', async () => {
    const state = mkdtempSync(join(tmpdir(), 'ha-wizard-reset-'));
    const file = await savedRun(state);
    const before = readFileSync(file, 'utf8');
    const result = runCli(['reset'], {...now, XDG_STATE_HOME: state});
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(
      'Reset cluster homelab: undo what ha-wizard did on 4 hosts, in this order:',
    );
    expect(lines.slice(1, 5).map((line) => line.trim().split(' ')[0])).toEqual([
      'nuc',
      'opi5',
      'rpi4-b',
      'rpi4-a',
    ]);
    expect(lines[1]).toContain('accept-routes back off');
    expect(result.stderr).toContain(
      'ha-wizard: ha-wizard reset changes every host of cluster homelab; it asks first, and there is no terminal to ask on.\nAdd --yes to go ahead without the question.\n',
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(file.replace(/\.json$/, '.lock'))).toBe(false);
  });

  it('refuses a plan of another cluster than the one named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ha-wizard-reset-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(realPlan()));
    const result = runCli(['reset', 'garage', '--plan', dir, '--yes'], {
      ...now,
      XDG_STATE_HOME: join(dir, 'state'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The plan in ${dir} is for cluster homelab, not garage.`);
  });

  it('documents its flags and exit codes', () => {
    const result = runCli(['reset', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--yes', '--plan', '--known-hosts', '--identity', '--ssh-user'])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toMatch(/Exit codes: 0 everything was undone/);
  });
});
