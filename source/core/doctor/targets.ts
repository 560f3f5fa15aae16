// Which hosts doctor looks at when there is no plan: control planes named by
// the person, or found from a kubeconfig (its server is the VIP) plus
// `tailscale status` (the peers whose approved routes include VIP/32). Works
// on clusters the wizard did not build.
import {defaultEndpoint} from '../plan/endpoint.js';
import ipaddr from 'ipaddr.js';
import {parse} from 'yaml';
import {vipRoute} from '../artifacts/vip.js';
import {InputError} from '../errors.js';
import {buildPlan} from '../plan/build.js';
import {defaults} from '../plan/defaults.js';
import type {Access, Plan} from '../plan/types.js';
import {resolvePeer} from '../tailnet/resolve.js';
import type {Peer, Tailnet} from '../tailnet/types.js';

interface Kubeconfig {
  readonly 'current-context'?: string;
  readonly contexts?: ReadonlyArray<{
    readonly name?: string;
    readonly context?: {readonly cluster?: string};
  }>;
  readonly clusters?: ReadonlyArray<{
    readonly name?: string;
    readonly cluster?: {readonly server?: string};
  }>;
}

/** The API address of the kubeconfig's current context (an IPv4 address), e.g. the VIP. */
export const kubeconfigApiAddress = (text: string, source: string): string => {
  let config: Kubeconfig;
  try {
    config = (parse(text) ?? {}) as Kubeconfig;
  } catch {
    throw new InputError(`${source} is not a kubeconfig (not YAML).`);
  }
  const context = config.contexts?.find((entry) => entry.name === config['current-context']);
  const cluster =
    config.clusters?.find((entry) => entry.name === context?.context?.cluster) ??
    (config.clusters?.length === 1 ? config.clusters[0] : undefined);
  const server = cluster?.cluster?.server;
  if (server === undefined)
    throw new InputError(`${source} has no server for its current context.`);
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    throw new InputError(`${source}: the server ${JSON.stringify(server)} is not a URL.`);
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(host))
    throw new InputError(
      `${source} reaches the cluster at ${host}, not at an IPv4 VIP; name the control planes instead.`,
    );
  return host;
};

/** Peers the tailnet knows as routers of VIP/32 (approved), i.e. the control planes. */
export const advertisersOf = (tailnet: Tailnet, vip: string): Peer[] =>
  tailnet.peers.filter((peer) => peer.advertisedRoutes.includes(vipRoute(vip)));

/** How to name a peer unambiguously (host names repeat on real tailnets): its IP, else its MagicDNS name. */
export const peerRef = (peer: Peer): string => peer.ipv4 ?? (peer.dnsName || peer.hostName);

export interface TargetChoice {
  readonly vip: string;
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  readonly access: Access;
}

/** A plan for doctor from names (HostName, MagicDNS name or Tailscale IP). */
export const doctorPlan = (tailnet: Tailnet, choice: TargetChoice): Plan => {
  const ids = (names: readonly string[]) => [
    ...new Set(names.map((name) => resolvePeer(tailnet, name).id)),
  ];
  const controlPlanes = ids(choice.controlPlanes);
  if (controlPlanes.length === 0)
    throw new InputError('Doctor needs at least one control-plane host.');
  return buildPlan(tailnet, {
    controlPlanes,
    workers: ids(choice.workers).filter((id) => !controlPlanes.includes(id)),
    network: {
      endpoint: defaultEndpoint,
      vip: choice.vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
    },
    kubernetesVersion: defaults.kubernetesVersion,
    clusterName: defaults.clusterName,
    access: choice.access,
  });
};
