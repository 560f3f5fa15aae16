// `ha-wizard doctor` before it reaches any host: where the hosts come from and
// the one-sentence errors (exit 1) when it cannot look. The checks themselves
// run against real hosts in test/doctor/doctor.lab.test.ts.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';

const temp = () => mkdtempSync(join(tmpdir(), 'ha-wizard-doctor-'));

describe('ha-wizard doctor', () => {
  it('--json without hosts says which flags give them: exit 1, nothing on stdout', () => {
    const result = runCli(['doctor', '--json'], {XDG_STATE_HOME: temp()});
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'ha-wizard: doctor --json needs the hosts: --plan DIR, --control-plane NAMES or --kubeconfig FILE.\n',
    );
  });

  it('--json without hosts, when this wizard built two clusters: names them and asks which', async () => {
    const state = temp();
    const {recordRun} = await import('../../source/engine/run-store.js');
    const {planFor} = await import('../core/artifacts-plans.js');
    for (const clusterName of ['homelab', 'garage'])
      await recordRun(
        join(state, 'ha-wizard'),
        {...planFor('1.36', ['rpi4-a'], []), clusterName},
        {
          now: () => new Date('2026-11-24T00:00:00Z'),
        },
      );
    const result = runCli(['doctor', '--json'], {XDG_STATE_HOME: state});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ha-wizard: doctor --json needs the hosts: .* \(this wizard has built (homelab, garage|garage, homelab); which one\?\)\.\n$/,
    );
  });

  it('without a terminal and without --json it says to use --json, not a stack', () => {
    const result = runCli(['doctor', '--control-plane', 'cp1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ha-wizard: doctor asks questions and needs a terminal\.\nUse ha-wizard doctor --json/,
    );
  });

  it('an unreadable plan: exit 1 in one sentence', () => {
    const dir = join(temp(), 'nowhere');
    const result = runCli(['doctor', '--json', '--plan', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      `ha-wizard: There is no plan at ${join(dir, 'plan.json')}.`,
    );
  });

  it('a kubeconfig whose server is a name, not the VIP: exit 1 saying to name the control planes', () => {
    const dir = temp();
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: lab\ncontexts: [{name: lab, context: {cluster: lab}}]\nclusters: [{name: lab, cluster: {server: "https://api.example.org:6443"}}]\n',
    );
    const status = join(dir, 'status.json');
    writeFileSync(status, '{"BackendState": "Running", "Peer": {}}');
    const result = runCli([
      'doctor',
      '--json',
      '--kubeconfig',
      kubeconfig,
      '--status-file',
      status,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `ha-wizard: ${kubeconfig} reaches the cluster at api.example.org, not at an IPv4 VIP; name the control planes instead.\n`,
    );
  });

  it('--help names the report, the exit codes and every access flag', () => {
    const result = runCli(['doctor', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--json',
      '--plan',
      '--identity',
      '--known-hosts',
      '--ssh-user',
      '--kubeconfig',
    ])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain(
      'Exit codes: 0 every check passed, 2 a check failed, 1 doctor could not look',
    );
  });
});
