// What the Network screen says about each endpoint (issue 11 "Choosing the
// endpoint"): where the nodes must be, what fails over and how fast, what
// balances load. Short enough for 80×24 with the form above it.
import {endpointTitles, haproxyPort, type EndpointKind} from '../source/core/plan/endpoint.js';

export interface EndpointText {
  readonly label: string;
  /** A few words beside the option in the list. */
  readonly note: string;
  /** Two or three sentences under the form. */
  readonly explanation: string;
  /** The VIP field's help for this endpoint. */
  readonly vipHelp: string;
}

export const endpointTexts: Readonly<Record<EndpointKind, EndpointText>> = {
  'tailscale-vip': {
    label: endpointTitles['tailscale-vip'],
    note: 'nodes anywhere on the tailnet',
    explanation:
      'Nodes anywhere on the tailnet. Every control plane holds the VIP and advertises it as a /32 route; Tailscale moves it in about 15 s when the holder goes offline, the health gate when its apiserver dies. No load balancing.',
    vipHelp:
      'The API endpoint: every control plane holds it and advertises it as a /32 route. A private address outside every other range.',
  },
  'keepalived-haproxy': {
    label: endpointTitles['keepalived-haproxy'],
    note: 'control planes on one LAN, balanced',
    explanation: `Control planes on one LAN subnet; workers and you must reach it. keepalived (VRRP) moves the VIP in a few seconds when its holder dies; HAProxy on every control plane (port ${haproxyPort}) balances over every healthy apiserver.`,
    vipHelp:
      "A free address in the control planes' shared LAN subnet; keepalived moves it between them.",
  },
  'kube-vip': {
    label: endpointTitles['kube-vip'],
    note: 'control planes on one LAN, one leader',
    explanation:
      'Control planes on one LAN subnet; workers and you must reach it. A kube-vip static pod on each elects a leader that holds the VIP (ARP); another takes it within about 5 s. No load balancing: the leader takes the traffic.',
    vipHelp:
      "A free address in the control planes' shared LAN subnet; the kube-vip leader holds it.",
  },
};
