// The files that give the API its one address, per endpoint (issue 11): the
// Tailscale VIP's lo1, flags and health gate, or keepalived + HAProxy, or
// kube-vip. generateArtifacts (index.ts) adds only the plan's endpoint's.
import {controlPlanes, initNode} from '../plan/build.js';
import type {Plan} from '../plan/types.js';
import {fileNamePart} from './file-name.js';
import {haproxyCfg} from './haproxy.js';
import {healthGateEnv, healthGateScript, healthGateUnit} from './health-gate.js';
import {checkApiserverScript, keepalivedConf} from './keepalived.js';
import {kubeVipManifestForInstall, kubeVipVersion} from './kube-vip.js';
import {lanVip} from './lan-vip.js';
import {lo1Netdev, lo1Network} from './networkd.js';
import {nmcliScript} from './nmcli.js';
import {tailscaleSetCommands} from './tailscale-set-commands.js';
import type {Artifact} from './types.js';

/** `dir/<node>.ext` per node, unique even when two names clean up alike. */
const perNodePaths = () => {
  const used = new Set<string>();
  return (dir: string, name: string, ext: string): string => {
    const base = `${dir}/${fileNamePart(name)}`;
    let path = `${base}.${ext}`;
    for (let n = 2; used.has(path); n++) path = `${base}-${n}.${ext}`;
    used.add(path);
    return path;
  };
};

/**
 * The Tailscale VIP's files: lo1 (networkd or NetworkManager), the flags per
 * node, and the health gate on control planes. None of it exists for the LAN
 * endpoints, whose VIP is moved by keepalived or kube-vip instead.
 */
export const tailscaleVipArtifacts = (plan: Plan): Artifact[] => [
  {
    path: 'network/lo1.netdev',
    title: 'lo1 dummy interface (systemd-networkd)',
    content: lo1Netdev(),
  },
  {
    path: 'network/lo1.network',
    title: 'VIP on lo1 (systemd-networkd)',
    content: lo1Network(plan.network.vip),
  },
  {
    path: 'network/nmcli.sh',
    title: 'VIP on lo1 (NetworkManager)',
    content: nmcliScript(plan.network.vip),
  },
  {
    path: 'tailscale/set-commands.sh',
    title: 'Tailscale flags per node',
    content: tailscaleSetCommands(plan),
  },
];

/** The health gate runs on control planes only (DOMAIN.md "Target topology"). */
export const healthGateArtifacts = (plan: Plan): Artifact[] => [
  // Its settings hold no routes (it reads them on the node when it acts), so
  // one env file serves every control plane.
  {
    path: 'health-gate/health-gate.sh',
    title: 'Health gate script (/usr/local/lib/ha-wizard/health-gate)',
    content: healthGateScript(),
  },
  {
    path: 'health-gate/ha-wizard-health-gate.service',
    title: 'Health gate systemd unit',
    content: healthGateUnit(),
  },
  {
    path: 'health-gate/health-gate.env',
    title: 'Health gate settings (/etc/ha-wizard/health-gate.env)',
    content: healthGateEnv(plan.network.vip),
  },
];

/** keepalived per control plane, its check script and HAProxy's config. */
const keepalivedHaproxyArtifacts = (plan: Plan, vip: string): Artifact[] => {
  const path = perNodePaths();
  return [
    ...controlPlanes(plan).map((node) => ({
      path: path('keepalived', node.name, 'conf'),
      title: `keepalived config (${node.name}, /etc/keepalived/keepalived.conf)`,
      content: keepalivedConf(plan, node, vip),
    })),
    {
      path: 'keepalived/check_apiserver.sh',
      title: 'keepalived check script (/etc/keepalived/check_apiserver.sh)',
      content: checkApiserverScript(vip),
    },
    {
      path: 'haproxy/haproxy.cfg',
      title: 'HAProxy config, every control plane (/etc/haproxy/haproxy.cfg)',
      content: haproxyCfg(plan),
    },
  ];
};

/** A kube-vip static pod per control plane; the init node's is the during-init variant. */
const kubeVipArtifacts = (plan: Plan, vip: string): Artifact[] => {
  const path = perNodePaths();
  const first = initNode(plan);
  return controlPlanes(plan).map((node) => ({
    path: path('kube-vip', node.name, 'yaml'),
    title: `kube-vip ${kubeVipVersion} static pod (${node.name}${node === first ? ', init node' : ''})`,
    content: kubeVipManifestForInstall(plan, node, vip, node === first),
  }));
};

/** The files that give the API its address, for the plan's endpoint only. */
export const endpointArtifacts = (plan: Plan, hasControlPlane: boolean): Artifact[] => {
  const vip = lanVip(plan.network.vip);
  switch (plan.network.endpoint) {
    case 'tailscale-vip':
      return [];
    // A malformed VIP (a validation error) gets no LAN files rather than broken ones.
    case 'keepalived-haproxy':
      return vip && hasControlPlane ? keepalivedHaproxyArtifacts(plan, vip) : [];
    case 'kube-vip':
      return vip && hasControlPlane ? kubeVipArtifacts(plan, vip) : [];
  }
};
