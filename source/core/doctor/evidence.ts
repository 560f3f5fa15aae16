// The evidence doctor collects, as plain data: what each command printed and
// each file held. The engine fills it (source/engine/doctor/collect.ts); the
// checks read it. Undefined means "not collected" (not this host's role, or
// the host could not be reached).
import type {EndpointKind} from '../plan/endpoint.js';
import type {Role} from '../plan/types.js';

export interface CommandOutput {
  /** Exit code; null when killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type NetworkManagerName = 'systemd-networkd' | 'NetworkManager';

export interface HostEvidence {
  readonly host: string;
  readonly role: Role;
  /** The Tailscale IPv4 and MagicDNS name (for the certificate SANs and fixes). */
  readonly ip: string;
  readonly dnsName: string;
  /** Set when the host could not be reached at all: one sentence saying why. */
  readonly unreachable?: string;
  /** `sudo containerd config dump`. */
  readonly containerdDump?: CommandOutput;
  /** /var/lib/kubelet/config.yaml; null when the file does not exist. */
  readonly kubeletConfig?: string | null;
  /** `kubelet --version` (`Kubernetes v1.36.2`). */
  readonly kubeletVersion?: CommandOutput;
  /** `systemctl is-active kubelet`. */
  readonly kubeletActive?: CommandOutput;
  /** `cat /proc/swaps`. */
  readonly swaps?: CommandOutput;
  /** `tailscale debug prefs`. */
  readonly prefs?: CommandOutput;
  /** `sudo crictl ps -a`, twice, `sampleSeconds` apart (control planes). */
  readonly crictl?: {
    readonly first: CommandOutput;
    readonly second: CommandOutput;
    readonly sampleSeconds: number;
  };
  /** `ip -j addr show dev lo1` (control planes). */
  readonly lo1?: CommandOutput;
  /** `curl -sk --max-time 2 https://127.0.0.1:6443/readyz` (control planes). */
  readonly readyz?: CommandOutput;
  /** /etc/kubernetes/pki/apiserver.crt; null when missing (control planes). */
  readonly apiserverCert?: string | null;
  /** `systemctl is-active ha-wizard-health-gate.service` (control planes). */
  readonly healthGate?: CommandOutput;
  /** Which network manager runs, from `systemctl is-active systemd-networkd NetworkManager`. */
  readonly networkManager?: NetworkManagerName | 'none';
  /** `tailscale status --json` on the host: its own node key (Self.KeyExpiry, Tags). */
  readonly selfStatus?: CommandOutput;
  /** `tailscale ping --c 10 --timeout 3s IP` to every other control plane (control planes). */
  readonly pings?: ReadonlyArray<{readonly peer: string; readonly output: CommandOutput}>;
  /** `ip -j link show dev tailscale0`: its MTU, which Cilium's VXLAN must fit. */
  readonly tailscaleLink?: CommandOutput;
  /** `ip -j -4 addr show` (control planes, LAN endpoints): whether the LAN VIP is here. */
  readonly lanAddresses?: CommandOutput;
  /** `systemctl is-active keepalived` (control planes, keepalived + HAProxy). */
  readonly keepalivedActive?: CommandOutput;
  /** `systemctl is-active haproxy` (control planes, keepalived + HAProxy). */
  readonly haproxyActive?: CommandOutput;
  /** HAProxy's CSV stats from its localhost-only listener (control planes, keepalived + HAProxy). */
  readonly haproxyStats?: CommandOutput;
  /** /etc/kubernetes/manifests/kube-vip.yaml; null when missing (control planes, kube-vip). */
  readonly kubeVipManifest?: string | null;
  /** `date +%s.%N` on the host and this machine's clock around it, in seconds. */
  readonly clock?: {readonly remote: number; readonly sentAt: number; readonly receivedAt: number};
}

export interface ClusterEvidence {
  readonly vip: string;
  /** How the API gets its address; absent means the Tailscale VIP (plans before issue 11). */
  readonly endpoint?: EndpointKind;
  /** The cluster's service CIDR (its first address is the `kubernetes` service IP, a SAN). */
  readonly serviceCidr?: string;
  /** When it was collected (ms since the epoch): the checks' "now" (key expiry). */
  readonly collectedAt?: number;
  readonly hosts: readonly HostEvidence[];
  /** `tailscale status --json` on one node: who is the VIP's primary router. */
  readonly status?: {readonly observer: string; readonly output: CommandOutput};
  /** Each control plane's routes as the control server's API has them (only with an API key). */
  readonly approvals?: {
    /** "Headscale at http://…", "Tailscale's API". */
    readonly source: string;
    readonly hosts: ReadonlyArray<
      | {
          readonly host: string;
          readonly id: string;
          readonly advertised: readonly string[];
          readonly approved: readonly string[];
          readonly error?: undefined;
        }
      | {readonly host: string; readonly id: string; readonly error: string}
    >;
  };
  /** `helm get values cilium -o json` on the first control plane that answered: its MTU. */
  readonly cilium?: {readonly host: string; readonly output: CommandOutput};
}
