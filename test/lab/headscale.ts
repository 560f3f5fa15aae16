// The lab's control server: real Headscale (v0.29.2, built by
// scripts/lab-binaries.sh) in its own namespace on the lab's underlay, with
// every feature that would reach past the lab turned off. Keys and comments
// follow v0.29.2's config-example.yaml; ../shared/research/real-tailnet.md
// says why each one is set as it is.
import {stringify} from 'yaml';
import {
  defaultVip,
  headscaleIp,
  headscalePort,
  hostRange,
  magicDnsSuffix,
  paths,
  vipRange,
} from './config.js';

export interface HeadscaleOptions {
  /** False under `--require-approval`: no autoApprovers, routes wait for `lab approve`. */
  readonly autoApprove: boolean;
  /** Headscale's HA prober (how fast a silent primary is found): interval and timeout, seconds. */
  readonly probeInterval: number;
  readonly probeTimeout: number;
}

export const headscaleUrl = `http://${headscaleIp}:${headscalePort}`;
export const controlPlaneTag = 'tag:k8s-control-plane';
export const workerTag = 'tag:k8s-worker';

export const headscaleConfig = (options: HeadscaleOptions) =>
  stringify({
    // An http:// URL on a private address keeps clients off HTTPS (control/ts2021/client.go).
    server_url: headscaleUrl,
    listen_addr: `${headscaleIp}:${headscalePort}`,
    metrics_listen_addr: '127.0.0.1:9090',
    grpc_listen_addr: '127.0.0.1:50443',
    grpc_allow_insecure: false,
    noise: {private_key_path: `${paths.headscale}/noise_private.key`},
    // The lab's own /24 of 100.64.0.0/10: the root namespace routes only it into the lab.
    prefixes: {v4: hostRange, v6: 'fd7a:115c:a1e0::/48', allocation: 'sequential'},
    derp: {
      // Headscale refuses to start with an empty DERP map; the embedded server is the only one.
      server: {
        enabled: true,
        region_id: 999,
        region_code: 'lab',
        region_name: 'hwlab',
        verify_clients: true,
        stun_listen_addr: `${headscaleIp}:3478`,
        private_key_path: `${paths.headscale}/derp_server_private.key`,
        automatically_add_embedded_derp_region: true,
        ipv4: headscaleIp,
        ipv6: '',
      },
      urls: [],
      paths: [],
      auto_update_enabled: false,
    },
    disable_check_updates: true,
    node: {
      expiry: 0,
      routes: {
        ha: {
          probe_interval: `${options.probeInterval}s`,
          probe_timeout: `${options.probeTimeout}s`,
        },
      },
    },
    database: {
      type: 'sqlite',
      sqlite: {path: `${paths.headscale}/db.sqlite`, write_ahead_log: true},
    },
    log: {level: 'info', format: 'text'},
    policy: {mode: 'file', path: `${paths.headscale}/policy.hujson`},
    dns: {
      magic_dns: true,
      base_domain: magicDnsSuffix,
      // true with no global nameservers is fatal (config.go).
      override_local_dns: false,
      nameservers: {global: [], split: {}},
      search_domains: [],
      extra_records: [],
    },
    unix_socket: `${paths.headscale}/headscale.sock`,
    unix_socket_permission: '0770',
    logtail: {enabled: false},
    taildrop: {enabled: false},
  });

/**
 * No `acls`: allow-all, like a fresh tailnet. The tags must be defined for a
 * pre-auth key to carry them; autoApprovers map the lab's VIP range to the
 * control planes' tag, as the wizard's own policy snippet does.
 */
export const headscalePolicy = (options: HeadscaleOptions) =>
  `${JSON.stringify(
    {
      tagOwners: {[controlPlaneTag]: [], [workerTag]: []},
      ...(options.autoApprove ? {autoApprovers: {routes: {[vipRange]: [controlPlaneTag]}}} : {}),
      // Captive-portal probes would go to controlplane.tailscale.com.
      nodeAttrs: [{target: ['*'], attr: ['disable-captive-portal-detection']}],
    },
    null,
    2,
  )}\n`;

export const defaultRoute = `${defaultVip}/32`;
