// What a verified cluster is, read from inside the lab hosts and the simulated
// cluster's own records (not from what the wizard reports): every lab test
// that ends with a built cluster asserts it.
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'vitest';
import {cps, vip, type labCluster} from './lab-cluster.js';

/** What every host must end up with, read from inside the hosts and the simulated cluster. */
export const assertVerifiedCluster = async (c: ReturnType<typeof labCluster>) => {
  const {ok, sh, prefs, vipOnLo1, hosts, facts} = c;
  for (const host of hosts) {
    // containerd: SystemdCgroup on at its config version's path, the old file backed up,
    // and the effective config (containerd config dump) agrees.
    const toml = await ok(host, 'cat /etc/containerd/config.toml');
    const version = facts(host).containerdConfigVersion;
    const section =
      version === 2
        ? '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'
        : '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]';
    expect(toml, host).toContain(`version = ${version}`);
    const options = toml.slice(toml.indexOf(section));
    expect(toml.indexOf(section), `${host}: ${section}`).toBeGreaterThan(-1);
    expect(options.split(/\n\[/)[0], host).toMatch(/SystemdCgroup = true/);
    expect(toml, host).not.toMatch(/SystemdCgroup = false/);
    expect(await ok(host, 'ls /etc/containerd'), host).toMatch(
      /config\.toml\.ha-wizard\.\d{8}T\d{6}\.\d{3}Z\.bak/,
    );
    expect(await ok(host, 'containerd config dump'), host).toMatch(/SystemdCgroup = true/);
    // tailscale: accept-routes everywhere.
    expect((await prefs(host)).RouteAll, host).toBe(true);
  }
  for (const host of cps) {
    expect((await prefs(host)).AdvertiseRoutes ?? [], host).toContain(`${vip}/32`);
    expect(await vipOnLo1(host), host).toBe(true);
    // lo1 comes from the host's own network manager.
    if (facts(host).networkManager === 'NetworkManager')
      expect(await ok(host, 'cat /etc/NetworkManager/system-connections/lo1.nmconnection')).toMatch(
        /type=dummy[\s\S]*address1=10\.200\.0\.1\/32/,
      );
    else
      expect(await ok(host, 'cat /etc/systemd/network/lo1.network')).toContain(`Address=${vip}/32`);
    expect((await sh(host, 'systemctl is-active ha-wizard-health-gate.service')).stdout).toBe(
      'active\n',
    );
    expect(await ok(host, 'cat /etc/ha-wizard/health-gate.env')).toContain(`VIP=${vip}`);
  }
  for (const host of hosts.filter((h) => !cps.includes(h)))
    expect((await sh(host, 'ip link show lo1')).code, host).not.toBe(0);

  // kubeadm membership as the simulated cluster records it, and as the apiserver answers.
  const cluster = JSON.parse(
    readFileSync(join(c.lab().labDir, 'cluster/cluster.json'), 'utf8'),
  ) as {
    etcdMembers: unknown[];
    nodes: unknown[];
    helm?: Record<string, {values: string[]}>;
  };
  expect(cluster.etcdMembers).toHaveLength(cps.length);
  expect(cluster.nodes).toHaveLength(hosts.length);
  const nodes = JSON.parse(
    await ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json'),
  ) as {
    items: Array<{
      metadata: {name: string};
      status: {conditions: Array<{type: string; status: string}>};
    }>;
  };
  expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(hosts);
  for (const node of nodes.items)
    expect(node.status.conditions.find((x) => x.type === 'Ready')?.status, node.metadata.name).toBe(
      'True',
    );
  const etcd = JSON.parse(
    await ok(
      'cp1',
      'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get pods -l component=etcd -o json',
    ),
  ) as {items: unknown[]};
  expect(etcd.items).toHaveLength(cps.length);

  // Cilium installed with the generated values.
  const ciliumDir = join(c.planDir(), 'cilium');
  const values = readFileSync(join(ciliumDir, readdirSync(ciliumDir)[0] ?? ''), 'utf8');
  expect(cluster.helm?.['kube-system/cilium']?.values.at(-1)).toBe(values);

  // The workstation's kubeconfig (the temp KUBECONFIG) got the context.
  const kubeconfig = readFileSync(join(c.scratch(), 'kubeconfig'), 'utf8');
  expect(kubeconfig).toContain('name: homelab');
  expect(kubeconfig).toContain(`server: https://${vip}:6443`);

  // A worker's kubelet.conf goes through the VIP (via the tailnet router) and sees every node.
  expect(await ok('w1', 'grep server: /etc/kubernetes/kubelet.conf')).toContain(
    `https://${vip}:6443`,
  );
  expect(await ok('w1', `ip route get ${vip}`)).toContain('tailscale0');
  const listed = await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
  for (const host of hosts) expect(listed).toMatch(new RegExp(`^${host} +Ready`, 'm'));
};
