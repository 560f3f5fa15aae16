// How the Kubernetes API gets its one address (issue 11, seeds 002 and 003).
// The Tailscale VIP works wherever the control planes are; the two LAN
// endpoints need every control plane on one L2 subnet, and fail over without
// any control server.
import {defaults} from './defaults.js';

export const endpointKinds = ['tailscale-vip', 'keepalived-haproxy', 'kube-vip'] as const;
export type EndpointKind = (typeof endpointKinds)[number];

/** What a plan without the field (written before issue 11) means. */
export const defaultEndpoint: EndpointKind = 'tailscale-vip';

export const isEndpointKind = (text: string): text is EndpointKind =>
  (endpointKinds as readonly string[]).includes(text);

/** The endpoints whose VIP lives in the control planes' LAN subnet, moved by ARP. */
export const isLanEndpoint = (kind: EndpointKind): boolean => kind !== 'tailscale-vip';

/**
 * HAProxy listens on every control plane, where kube-apiserver already holds
 * 6443: it takes a port of its own (kubeadm's HA guide, seed 002's 8443).
 */
export const haproxyPort = 8443;

/** The port of `controlPlaneEndpoint`: HAProxy's for keepalived + HAProxy, else the apiserver's. */
export const endpointPort = (kind: EndpointKind): number =>
  kind === 'keepalived-haproxy' ? haproxyPort : defaults.apiServerPort;

/** Short names for tables and the Review screen. */
export const endpointTitles: Readonly<Record<EndpointKind, string>> = {
  'tailscale-vip': 'Tailscale VIP',
  'keepalived-haproxy': 'keepalived + HAProxy',
  'kube-vip': 'kube-vip',
};

/** One sentence naming the valid values, for a bad `--endpoint`. */
export const endpointProblem = (text: string): string =>
  `Endpoint "${text}" is not one the wizard builds; use ${endpointKinds.slice(0, -1).join(', ')} or ${endpointKinds.at(-1)}.`;
