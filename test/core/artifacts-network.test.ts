import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {generateArtifacts} from '../../source/core/artifacts/index.js';
import {lo1Netdev, lo1Network} from '../../source/core/artifacts/networkd.js';
import {nmcliAddLo1Argv} from '../../source/core/artifacts/nmcli.js';
import {parseHujson} from '../support/hujson.js';
import {selectorsFor} from '../../source/core/artifacts/tailnet-grants.js';
import {
  controlPlaneTag,
  tailnetPolicy,
  tailnetPolicyHujson,
} from '../../source/core/artifacts/tailnet-policy.js';
import {
  acceptRoutesArgv,
  advertiseRoutesArgv,
  withdrawRouteArgv,
} from '../../source/core/artifacts/tailscale-routes.js';
import {tailscaleSetCommands} from '../../source/core/artifacts/tailscale-set-commands.js';
import type {Plan} from '../../source/core/plan/types.js';
import {goldenCases, planFor} from './artifacts-plans.js';

const vip = '10.200.0.1';

describe('tailscale set argv', () => {
  it('turns accept-routes on with set, never up', () => {
    expect(acceptRoutesArgv()).toEqual(['tailscale', 'set', '--accept-routes=true']);
  });

  it('advertises the union of the existing routes and the VIP, in a stable order', () => {
    expect(advertiseRoutesArgv([], vip)).toEqual([
      'tailscale',
      'set',
      '--advertise-routes=10.200.0.1/32',
    ]);
    expect(advertiseRoutesArgv(['192.168.1.0/24', 'fd00:1::/64'], vip)).toEqual([
      'tailscale',
      'set',
      '--advertise-routes=192.168.1.0/24,fd00:1::/64,10.200.0.1/32',
    ]);
  });

  it('does not repeat a VIP or a route that is already there', () => {
    expect(advertiseRoutesArgv(['10.200.0.1/32', '192.168.1.0/24', '192.168.1.0/24'], vip)).toEqual(
      ['tailscale', 'set', '--advertise-routes=10.200.0.1/32,192.168.1.0/24'],
    );
    expect(advertiseRoutesArgv(['192.168.1.0/24'], '10.200.0.1/32')[2]).toBe(
      '--advertise-routes=192.168.1.0/24,10.200.0.1/32',
    );
  });

  it('withdraws only the VIP, and clears the list when nothing else is left', () => {
    expect(withdrawRouteArgv(['192.168.1.0/24', '10.200.0.1/32'], vip)).toEqual([
      'tailscale',
      'set',
      '--advertise-routes=192.168.1.0/24',
    ]);
    expect(withdrawRouteArgv(['10.200.0.1/32'], vip)).toEqual([
      'tailscale',
      'set',
      '--advertise-routes=',
    ]);
  });
});

describe('lo1', () => {
  it('writes systemd-networkd files in systemd syntax', () => {
    expect(lo1Netdev()).toBe('[NetDev]\nName=lo1\nKind=dummy\n');
    expect(lo1Network(vip)).toBe(
      '[Match]\nName=lo1\n\n[Network]\nAddress=10.200.0.1/32\n\n[Link]\nRequiredForOnline=no\n',
    );
  });

  it('builds the nmcli argv of DOMAIN.md phase 6', () => {
    expect(nmcliAddLo1Argv(vip).join(' ')).toBe(
      'nmcli connection add type dummy ifname lo1 con-name lo1 ipv4.method manual ipv4.addresses 10.200.0.1/32 ipv6.method ignore',
    );
  });
});

describe('tailnet policy', () => {
  it('uses a tag every control plane already carries', () => {
    const plan = planFor('1.36', ['rpi4-a', 'rpi4-b', 'opi5'], ['nuc']);
    expect(controlPlaneTag(plan)).toEqual({tag: 'tag:k8s', carried: true});
    const policy = JSON.parse(tailnetPolicy(plan)) as {
      autoApprovers: {routes: Record<string, string[]>};
    };
    expect(policy.autoApprovers.routes).toEqual({'10.200.0.1/32': ['tag:k8s']});
  });

  it('proposes tag:k8s-control-plane when the control planes share no tag', () => {
    expect(controlPlaneTag(goldenCases['A']!)).toEqual({
      tag: 'tag:k8s-control-plane',
      carried: false,
    });
    expect(controlPlaneTag(planFor('1.36', ['rpi4-a', 'cloud-arm'], []))).toEqual({
      tag: 'tag:k8s-control-plane',
      carried: false,
    });
  });

  type Policy = {
    autoApprovers: {routes: Record<string, string[]>};
    grants: Array<{src: string[]; dst: string[]; ip: string[]}>;
  };
  const parsePolicy = (text: string) => parseHujson(text) as Policy;
  const grantFor = (policy: Policy, ip: string) => policy.grants.find((g) => g.ip.includes(ip));

  it('lets the nodes and the tailnet members reach VIP:6443', () => {
    const policy = parsePolicy(tailnetPolicyHujson(goldenCases['A']!));
    const vip = grantFor(policy, 'tcp:6443');
    expect(vip?.dst).toEqual(['10.200.0.1/32']);
    expect(vip?.src).toEqual(['tag:k8s', 'tag:nas', 'autogroup:member']);
    expect(policy.autoApprovers.routes).toEqual({'10.200.0.1/32': ['tag:k8s-control-plane']});
  });

  it('lets the nodes talk: apiservers, etcd between control planes, kubelet, Cilium', () => {
    // Control planes tagged k8s; the worker cloud-arm has no tag, so its address stands for it.
    const plan = planFor('1.36', ['rpi4-a', 'rpi4-b', 'opi5'], ['cloud-arm']);
    const policy = parsePolicy(tailnetPolicyHujson(plan));
    const every = ['tag:k8s', '100.101.7.15'];
    expect(policy.grants).toEqual([
      {src: [...every, 'autogroup:member'], dst: ['10.200.0.1/32'], ip: ['tcp:6443']},
      {src: every, dst: ['tag:k8s'], ip: ['tcp:6443']},
      {src: ['tag:k8s'], dst: ['tag:k8s'], ip: ['tcp:2379-2380']},
      {src: every, dst: every, ip: ['tcp:10250']},
      {src: every, dst: every, ip: ['udp:8472', 'tcp:4240']},
    ]);
    // The JSON the run reads its autoApprovers snippet from says the same.
    expect(JSON.parse(tailnetPolicy(plan))).toEqual(policy);
  });

  it('explains each grant in a comment', () => {
    const text = tailnetPolicyHujson(goldenCases['A']!);
    expect(text).toMatch(/\/\/ etcd: clients and peers, between the control planes only\./);
    expect(text).toMatch(/\/\/ Cilium: pod traffic between nodes in VXLAN \(8472\/udp\)/);
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('names nodes by the fewest tags that cover them', () => {
    const node = planFor('1.36', ['rpi4-a'], [])['nodes'][0]!;
    const with_ = (name: string, tags: string[], ip = '') => ({...node, name, tags, ip});
    expect(
      selectorsFor([
        with_('a', ['tag:arm', 'tag:k8s']),
        with_('b', ['tag:k8s']),
        with_('c', ['tag:nas']),
        with_('d', [], '100.64.0.9'),
      ]),
    ).toEqual(['tag:k8s', 'tag:nas', '100.64.0.9']);
  });
});

describe('untrusted strings from the tailnet', () => {
  // A host name or route that tries to become shell text of its own.
  const hostile = (): Plan => {
    const base = goldenCases['A']!;
    return {
      ...base,
      nodes: base.nodes.map((node) =>
        node.name === 'nas'
          ? {
              ...node,
              name: "nas\nrm -rf / #'$(reboot)",
              advertisedRoutes: ['192.168.1.0/24;reboot', "$(id)'"],
            }
          : node.name === 'nuc'
            ? {...node, name: '../../../etc/cron.d/x'}
            : node,
      ),
    };
  };

  it('keeps every value from the tailnet in set-commands.sh inside comments', () => {
    const text = tailscaleSetCommands(hostile());
    for (const line of text.split('\n').filter((line) => !line.startsWith('#')))
      expect(line).not.toMatch(/reboot|\$\(id\)|rm -rf/);
  });

  // B11: the workstation's status shows only a node's approved (and primary) routes; the
  // script must keep whatever the node itself advertises, so it reads the node's own prefs.
  const runBlock = (plan: Plan, node: string, prefs: string) => {
    const text = tailscaleSetCommands(plan);
    const start = text.indexOf(`# ${node}: `);
    const block = text.slice(start, text.indexOf('\n\n', start));
    const preamble = text.slice(0, text.indexOf('\n# ', text.indexOf('advertise_with()')));
    // A fake tailscale: prints the node's prefs, and records what `set` was given.
    const fake = `tailscale() { if [ "$1" = debug ]; then cat <<'JSON'\n${prefs}\nJSON\nelse printf '%s\\n' "$*"; fi; }`;
    return execFileSync('sh', ['-c', `${fake}\n${preamble}\n${block}`], {encoding: 'utf8'});
  };
  const prefsWith = (routes: string[] | null) =>
    JSON.stringify({RouteAll: false, AdvertiseRoutes: routes, ExitNodeID: ''}, null, '\t');

  it('set-commands.sh keeps a node’s own advertisements, unapproved ones and its exit node included', () => {
    const plan = goldenCases['A']!;
    // nas: the tailnet shows only 192.168.1.0/24 approved; the node also advertises more.
    const out = runBlock(
      plan,
      'nas',
      prefsWith(['192.168.1.0/24', '192.168.50.0/24', '0.0.0.0/0', '::/0']),
    );
    expect(out).toContain('set --accept-routes=true');
    expect(out).toContain(
      'set --advertise-routes=192.168.1.0/24,192.168.50.0/24,0.0.0.0/0,::/0,10.200.0.1/32',
    );
    expect(runBlock(plan, 'rpi4-a', prefsWith(null))).toContain(
      'set --advertise-routes=10.200.0.1/32',
    );
    expect(runBlock(plan, 'rpi4-a', prefsWith([]))).toContain(
      'set --advertise-routes=10.200.0.1/32',
    );
    // Already there: nothing is set again.
    expect(runBlock(plan, 'rpi4-b', prefsWith(['10.200.0.1/32']))).not.toContain(
      'set --advertise-routes',
    );
  });

  it('keeps every artifact path inside the output folder', () => {
    for (const artifact of generateArtifacts(hostile())) {
      expect(artifact.path).not.toMatch(/(^|\/)\.\.?(\/|$)/);
      expect(artifact.path).not.toMatch(/^\//);
      expect(artifact.path.split('/')).toHaveLength(2);
    }
  });

  it('gives colliding file names distinct paths', () => {
    const base = goldenCases['A']!;
    const plan: Plan = {
      ...base,
      nodes: base.nodes.map((node) =>
        node.name === 'opi5'
          ? {...node, name: 'a b'}
          : node.name === 'nuc'
            ? {...node, name: 'a/b'}
            : node,
      ),
    };
    const paths = generateArtifacts(plan).map((artifact) => artifact.path);
    expect(paths).toContain('kubeadm/join-a-b.yaml');
    expect(paths).toContain('kubeadm/join-a-b-2.yaml');
  });
});

describe('generateArtifacts', () => {
  it('returns the artifacts in a stable order: init, joins in plan order, then the rest', () => {
    expect(generateArtifacts(goldenCases['A']!).map((artifact) => artifact.path)).toEqual([
      'kubeadm/init.yaml',
      'kubeadm/join-rpi4-b.yaml',
      'kubeadm/join-nas.yaml',
      'kubeadm/join-opi5.yaml',
      'kubeadm/join-nuc.yaml',
      'network/lo1.netdev',
      'network/lo1.network',
      'network/nmcli.sh',
      'tailscale/set-commands.sh',
      'tailscale/policy.hujson',
      'containerd/systemd-cgroup.v2.toml',
      'containerd/systemd-cgroup.v3.toml',
      'cilium/values.yaml',
      'health-gate/health-gate.sh',
      'health-gate/ha-wizard-health-gate.service',
      'health-gate/health-gate.env',
    ]);
  });

  it('leaves out the init config, not the rest, when the plan has no control plane', () => {
    const paths = generateArtifacts(planFor('1.36', [], ['nuc'])).map((artifact) => artifact.path);
    expect(paths).not.toContain('kubeadm/init.yaml');
    expect(paths).toContain('kubeadm/join-nuc.yaml');
    expect(paths).toContain('cilium/values.yaml');
  });
});
