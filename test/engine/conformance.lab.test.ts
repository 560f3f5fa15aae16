// Issue 10: what a real node does that the simulators used to smooth over
// (../shared/research/conformance-review.md), shown on the lab's real sshd
// hosts with the built CLI. Each case failed before its fix. Needs root and a
// built dist/; skipped with the reason printed otherwise.
//
// Lab hosts start as the kubeadm install guide leaves a node: no helm (this
// file does not let labCluster put it on the init node).
import {describe, expect, it} from 'vitest';
import {cli, labCluster, mutating, vip} from '../lab/lab-cluster.js';
import {setSimSettings} from '../lab/lab.js';
import {labSkipReason} from '../lab/skip.js';

const skipReason = labSkipReason('test/engine/conformance.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

describe.skipIf(skipReason !== undefined)('what a real node does differently (root)', () => {
  const c = labCluster({
    workers: ['w1'],
    upArgs: ['--control-planes', '3', '--workers', '1'],
    withoutHelm: true,
  });
  const changed = (host: string) =>
    c
      .calls(host)
      .split('\n')
      .filter((line) => mutating.test(line));

  it('helm missing on a fresh init node: preflight names it and how to get it, and nothing changes (A8, S1)', async () => {
    const run = await c.apply();
    expect(run.code).toBe(1);
    const said = run.stdout + run.stderr;
    expect(said).toContain('cp1 lacks helm (for installing Cilium)');
    expect(said).toContain('https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3');
    for (const host of c.hosts) expect(changed(host)).toEqual([]);
  }, 120_000);

  it('with helm where its script puts it (/usr/local/bin), the run builds the cluster', async () => {
    // The simulated tools are one shim that runs the tool its file is named after.
    await c.ok('cp1', 'install -D -m 0755 /usr/bin/kubectl /usr/local/bin/helm');
    // The refused run was saved: go on from it (preflight was not done, so it runs first).
    const run = await c.apply('--resume');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(c.calls('cp1')).toMatch(/uid=0 helm upgrade --install cilium cilium .*--version /);
  }, 180_000);

  it('a VIP the health gate withdrew comes back on a re-run, though lo1.network did not change (C3, S2)', async () => {
    // What the gate does when its apiserver fails; the gate is stopped so it does not undo it.
    await c.ok('cp1', 'systemctl stop ha-wizard-health-gate.service');
    await c.ok('cp1', `ip addr del ${vip}/32 dev lo1`);
    const others = ((await c.prefs('cp1')).AdvertiseRoutes ?? []).filter(
      (route) => route !== `${vip}/32`,
    );
    await c.ok('cp1', `tailscale set --advertise-routes=${others.join(',')}`);
    expect(await c.vipOnLo1('cp1')).toBe(false);
    // The last run finished: a plain apply checks every phase again.
    const run = await c.apply();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await c.vipOnLo1('cp1')).toBe(true);
    expect((await c.prefs('cp1')).AdvertiseRoutes).toContain(`${vip}/32`);
  }, 180_000);

  it('a kubeadm older than the plan stops the run in preflight, saying what to install (D8, S4)', async () => {
    setSimSettings({kubeadmVersion: 'v1.34.3'});
    try {
      const before = c.hosts.map((host) => changed(host).length);
      const run = await c.apply();
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toContain(
        "kubeadm on cp1 is v1.34.3, older than the plan's Kubernetes 1.36",
      );
      expect(run.stdout + run.stderr).toContain('https://pkgs.k8s.io/core:/stable:/v1.36/');
      expect(c.hosts.map((host) => changed(host).length)).toEqual(before);
    } finally {
      setSimSettings({});
    }
  }, 120_000);
});
