// A whole cluster of FakeHosts that answer the commands of
// docs/commands-on-hosts.md statefully, the way the real tools do (outputs
// from fixtures/real/ where one exists): enough to drive every phase from
// clean hosts to a verified cluster, and to check that a second apply changes
// nothing.
import {parse} from 'yaml';
import type {Plan, PlanNode} from '../../source/core/plan/types.js';
import {FakeHost, fixture, type FakeCall} from '../support/fake-host.js';

// A throwaway ECDSA CA (public certificate only), and its hash as
// `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum` gives it.
export const testCaPem = `-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIUHGaJE8fQu5RwM4xLpjbFQpHT/OkwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjExMjQyMjEzNDdaFw0zNjExMjEy
MjEzNDdaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARjOb9EZF/7YFEoMnhjSDMR1A4h7KKRWtPq3lzQ8fd9qeFQ43gjXlS9
QL+r5nRFYksBvbC9B3+JkhOH9meTJCJ4o1MwUTAdBgNVHQ4EFgQULsoiumhvdAyy
uxTRHblQDPi2cs4wHwYDVR0jBBgwFoAULsoiumhvdAyyuxTRHblQDPi2cs4wDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAFA8J816c35/SxG7EKNo6W
husMTta/JttPN+0nc6pJbQIgYEqFvAEZjSsa4IlyU6V5tiKYg2ssOSASmyd/Tjbr
uaU=
-----END CERTIFICATE-----
`;
export const testCaHash = 'sha256:fe4ad2cb3a6771c1689426dcda6e9f564f85dfd3ec4eddd345a38cef379b90a0';

const adminConf = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://10.200.0.1:6443
  name: homelab
contexts:
- context:
    cluster: homelab
    user: kubernetes-admin
  name: kubernetes-admin@homelab
current-context: kubernetes-admin@homelab
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`;

interface NodeState {
  routeAll: boolean;
  routes: string[];
  lo1: 'absent' | 'without-vip' | 'with-vip';
  apiserver: boolean;
  gateActive: boolean;
  joined: boolean;
  /** Seconds since the epoch of the first advertisement of the VIP (oldest advertiser is primary). */
  advertisedAt: number | undefined;
}

export interface FakeClusterOptions {
  /** Hosts running NetworkManager instead of systemd-networkd. */
  readonly networkManager?: readonly string[];
  /** The route is approved only after this many `tailscale status` polls. */
  readonly approveAfterPolls?: number;
}

/** Commands that change a host; a second apply must run none of them. */
export const mutating =
  /^(tailscale set|kubeadm (init|join|token create)|systemctl (restart|enable|daemon-reload)|networkctl reload|nmcli connection (add|up)|helm upgrade)/;

export const fakeCluster = (plan: Plan, options: FakeClusterOptions = {}) => {
  const vip = plan.network.vip;
  const state = new Map<string, NodeState>();
  let clock = 0;
  let statusPolls = 0;
  let helmValues: unknown;
  const hosts = new Map<string, FakeHost>();

  const stateOf = (name: string) => state.get(name) as NodeState;
  const primary = (): string | undefined => {
    if (statusPolls < (options.approveAfterPolls ?? 0)) return undefined;
    const advertisers = plan.nodes
      .filter((node) => stateOf(node.name).routes.includes(`${vip}/32`))
      .sort((a, b) => (stateOf(a.name).advertisedAt ?? 0) - (stateOf(b.name).advertisedAt ?? 0));
    return advertisers[0]?.name;
  };
  const statusJson = (self: PlanNode) => {
    statusPolls++;
    const router = primary();
    const peerOf = (node: PlanNode) => ({
      ID: node.id,
      HostName: node.name,
      DNSName: `${node.dnsName}.`,
      OS: 'linux',
      TailscaleIPs: [node.ip],
      Online: true,
      PrimaryRoutes: node.name === router ? [`${vip}/32`] : null,
      AllowedIPs: [`${node.ip}/32`],
    });
    return JSON.stringify({
      Version: '1.98.2',
      BackendState: 'Running',
      Self: peerOf(self),
      Peer: Object.fromEntries(
        plan.nodes
          .filter((node) => node !== self)
          .map((node) => [`nodekey:${node.id}`, peerOf(node)]),
      ),
    });
  };
  const anyApiserver = () => plan.nodes.some((node) => stateOf(node.name).apiserver);

  for (const node of plan.nodes) {
    const nm = options.networkManager?.includes(node.name) ?? false;
    state.set(node.name, {
      routeAll: false,
      routes: [...node.advertisedRoutes],
      lo1: 'absent',
      apiserver: false,
      gateActive: false,
      joined: false,
      advertisedAt: undefined,
    });
    const host = new FakeHost(node.name);
    const s = stateOf(node.name);
    const join = (call: FakeCall, self: FakeHost) => {
      s.joined = true;
      self.files.set('/etc/kubernetes/kubelet.conf', 'kubelet');
      if (call.stdin?.includes('controlPlane:')) {
        s.apiserver = true;
        self.files.set('/etc/kubernetes/admin.conf', adminConf);
      }
      return {stdout: fixture('kubeadm-join-worker-1.32.4.txt')};
    };
    host
      .on(['true'])
      // preflight's `command -v` for every command it needs: all in /usr/bin, as packages put them.
      .on(/^sh -c 'PATH=.*command -v/, (call) => ({
        stdout: call.argv
          .slice(4)
          .map((tool) => `/usr/bin/${tool}\n`)
          .join(''),
      }))
      .on(['cat', '/etc/os-release'], {
        stdout: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
      })
      .on(['uname', '-m'], {stdout: 'aarch64\n'})
      .on(['hostname'], {stdout: `${node.name}\n`})
      .on(['systemctl', 'is-active', 'systemd-networkd', 'NetworkManager'], {
        stdout: nm ? 'inactive\nactive\n' : 'active\ninactive\n',
        code: 3,
      })
      .on(['cat', '/proc/swaps'], {stdout: 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'})
      .on(['cat', '/proc/sys/net/ipv4/ip_forward'], {stdout: '1\n'})
      .on(['ss', '-ltnH'], {
        stdout:
          'LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n',
      })
      .on(['tailscale', 'version'], {stdout: '1.98.2\n  tailscale commit: 0000\n'})
      .on(['tailscale', 'status', '--json'], () => ({stdout: statusJson(node)}))
      .on(/^tailscale ping --c 10 --timeout 3s \S+$/, (call) => {
        const ip = call.argv.at(-1) ?? '';
        return {stdout: `pong from peer (${ip}) via ${ip}:41641 in 2ms\n`};
      })
      .on(['containerd', '--version'], {
        stdout: 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1\n',
      })
      .on(['kubeadm', 'version', '-o', 'short'], {stdout: 'v1.36.0\n'})
      .on(['kubelet', '--version'], {stdout: 'Kubernetes v1.36.0\n'})
      .on(['containerd', 'config', 'default'], {
        stdout: fixture('containerd-default-1.6.20-debian12.toml'),
      })
      .on(['systemctl', 'restart', 'containerd'])
      .on(['containerd', 'config', 'dump'], (_call, self) => ({
        stdout: self.files.get('/etc/containerd/config.toml') ?? '',
      }))
      .on(['tailscale', 'debug', 'prefs'], () => ({
        stdout: JSON.stringify({
          RouteAll: s.routeAll,
          AdvertiseRoutes: s.routes.length > 0 ? s.routes : null,
        }),
      }))
      .on(['tailscale', 'set', '--accept-routes=true'], () => {
        s.routeAll = true;
        return {};
      })
      .on(/^tailscale set --advertise-routes=/, (call) => {
        s.routes = (call.argv[2] ?? '')
          .replace('--advertise-routes=', '')
          .split(',')
          .filter(Boolean);
        if (s.routes.includes(`${vip}/32`)) s.advertisedAt ??= ++clock;
        else s.advertisedAt = undefined;
        return {};
      })
      .on(['ip', '-j', 'addr', 'show', 'dev', 'lo1'], () =>
        s.lo1 === 'absent'
          ? {stderr: 'Device "lo1" does not exist.\n', code: 1}
          : {
              stdout: JSON.stringify([
                {
                  ifname: 'lo1',
                  addr_info:
                    s.lo1 === 'with-vip' ? [{family: 'inet', local: vip, prefixlen: 32}] : [],
                },
              ]),
            },
      )
      .on(['networkctl', 'reload'], (_call, self) => {
        if (self.files.has('/etc/systemd/network/lo1.network')) s.lo1 = 'with-vip';
        return {};
      })
      .on(/^nmcli connection add type dummy ifname lo1/, () => {
        s.lo1 = 'with-vip';
        return {};
      })
      .on(['nmcli', 'connection', 'up', 'lo1'], () =>
        s.lo1 === 'absent'
          ? {stderr: "Error: unknown connection 'lo1'.\n", code: 10}
          : {stdout: 'Connection successfully activated\n'},
      )
      .on(['kubeadm', 'init', '--config', '/dev/stdin', '--upload-certs'], (_call, self) => {
        s.apiserver = true;
        s.joined = true;
        self.files.set('/etc/kubernetes/admin.conf', adminConf);
        self.files.set('/etc/kubernetes/kubelet.conf', 'kubelet');
        self.files.set('/etc/kubernetes/pki/ca.crt', testCaPem);
        return {stdout: fixture('kubeadm-init-1.32.3.txt')};
      })
      .on(['curl', '-sk', '--max-time', '2', 'https://127.0.0.1:6443/readyz'], () =>
        s.apiserver ? {stdout: 'ok'} : {stderr: '', code: 7},
      )
      .on(['curl', '-sk', '--max-time', '2', `https://${vip}:6443/readyz`], () =>
        anyApiserver() ? {stdout: 'ok'} : {code: 7},
      )
      .on(['systemctl', 'daemon-reload'])
      .on(['systemctl', 'enable', '--now', 'ha-wizard-health-gate.service'], () => {
        s.gateActive = true;
        return {stderr: 'Created symlink ...\n'};
      })
      .on(['systemctl', 'restart', 'ha-wizard-health-gate.service'])
      .on(['systemctl', 'is-active', 'ha-wizard-health-gate.service'], () =>
        s.gateActive ? {stdout: 'active\n'} : {stdout: 'inactive\n', code: 3},
      )
      // kubeadm prints the token it created: the run must redact it.
      .on(['kubeadm', 'token', 'create', '--config', '/dev/stdin'], (call) => ({
        stdout: `${/token: (\S+)/.exec(call.stdin ?? '')?.[1] ?? ''}\n`,
      }))
      .on(
        ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs', '--config', '/dev/stdin'],
        (call) => ({
          stdout: `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${/certificateKey: (\S+)/.exec(call.stdin ?? '')?.[1] ?? ''}\n`,
        }),
      )
      .on(['kubeadm', 'join', '--config', '/dev/stdin'], join)
      .on(/^helm get values cilium/, () =>
        helmValues === undefined
          ? {stderr: 'Error: release: not found\n', code: 1}
          : {stdout: JSON.stringify(helmValues)},
      )
      .on(/^helm upgrade --install cilium cilium/, (call) => {
        helmValues = parse(call.stdin ?? '');
        return {stdout: 'Release "cilium" does not exist. Installing it now.\nSTATUS: deployed\n'};
      })
      .on(/^kubectl --kubeconfig \/etc\/kubernetes\/admin.conf get nodes -o json$/, () => ({
        stdout: JSON.stringify({
          items: plan.nodes
            .filter((other) => stateOf(other.name).joined)
            .map((other) => ({
              metadata: {name: other.name},
              status: {
                conditions: [{type: 'Ready', status: helmValues === undefined ? 'False' : 'True'}],
              },
            })),
        }),
      }))
      .on(/get pods -l component=etcd -o json$/, () => ({
        stdout: JSON.stringify({
          items: plan.nodes
            .filter((other) => other.role === 'control-plane' && stateOf(other.name).apiserver)
            .map((other) => ({metadata: {name: `etcd-${other.name}`}})),
        }),
      }));
    hosts.set(node.name, host);
  }
  return {
    hosts,
    host: (name: string) => hosts.get(name) as FakeHost,
    state: (name: string) => stateOf(name),
    hostFactory: (node: PlanNode) => hosts.get(node.name) as FakeHost,
    primary,
  };
};
