/**
 * A tailnet device as the wizard sees it, normalised from one `PeerStatus`
 * of `tailscale status --json`. Every string here came from the tailnet and is
 * untrusted: it is data for display and for quoted arguments, never for a shell.
 */
export interface Peer {
  /** Stable node ID (`PeerStatus.ID`); headscale uses a decimal string. */
  readonly id: string;
  /** `HostName` as the node reports it (mobile clients often say `localhost`). */
  readonly hostName: string;
  /** MagicDNS name without the trailing dot; empty when the tailnet has none. */
  readonly dnsName: string;
  /** `OS` as reported: linux, windows, macOS, iOS, android, js, ... */
  readonly os: string;
  readonly ipv4: string | undefined;
  readonly ipv6: string | undefined;
  readonly online: boolean;
  /** True for the machine whose status this is (the workstation). */
  readonly isSelf: boolean;
  readonly tags: readonly string[];
  /** Routes this node is currently the primary router for. */
  readonly primaryRoutes: readonly string[];
  /**
   * Routes this node advertises that the tailnet approved: `AllowedIPs` beyond
   * its own addresses, plus `PrimaryRoutes`. Exit-node routes (0.0.0.0/0, ::/0)
   * are left out: they overlap everything by design.
   */
  readonly advertisedRoutes: readonly string[];
  /** `KeyExpiry` as an ISO date, undefined when the key does not expire. */
  readonly keyExpiry: string | undefined;
  readonly keyExpired: boolean;
  /** DERP region used when relayed; empty when direct or unknown. */
  readonly relay: string;
  /** This machine reaches it directly (`CurAddr` is set), not through a DERP relay. */
  readonly direct: boolean;
  /**
   * Private IPv4 addresses of its own networks, from `Addrs` and `CurAddr`
   * (tailnet/lan-addresses.ts): where a LAN endpoint's VIP can live. Usually
   * empty for peers; preflight reads the real interfaces.
   */
  readonly lanAddresses: readonly string[];
  readonly exitNodeOption: boolean;
}

export interface Tailnet {
  /** Where the status came from, for messages: a file path, `tailscale status`, or `demo`. */
  readonly source: string;
  readonly backendState: string;
  readonly version: string;
  readonly magicDnsSuffix: string;
  /** Self first (when present), then the peers in a stable order (by host name). */
  readonly peers: readonly Peer[];
}

export type Eligibility =
  {readonly eligible: true} | {readonly eligible: false; readonly reason: string};
