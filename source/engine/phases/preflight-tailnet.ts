// Preflight's look at the tailnet from each node (DOMAIN.md phase 3): its
// own node key (the plan may be days old) and, between control planes, a
// direct path rather than a relay: etcd over DERP is slow and flaps. Both are
// warnings, not failures: the cluster works, but the user should know.
import {parsePing, pathPingArgv} from '../../core/tailnet/ping.js';
import {parseStatus} from '../../core/tailnet/parse-status.js';
import {keyExpiryFinding} from '../../core/validate/key-expiry.js';
import {warn, type StepContext} from './phase.js';

/** This node's key, from its own `tailscale status --json`: only a near or past expiry (untagged nodes were warned about in the plan). */
export const checkOwnKey = (step: StepContext, statusJson: string) => {
  let self;
  try {
    self = parseStatus(statusJson, `tailscale status on ${step.node.name}`).peers.find(
      (peer) => peer.isSelf,
    );
  } catch {
    return; // The status was read fine by tailscale; an odd shape is not a reason to stop here.
  }
  if (!self) return;
  const finding = keyExpiryFinding({...self, name: step.node.name}, new Date(step.now()));
  if (finding?.code === 'key-expiry-soon') warn(step, finding.message);
};

/** `tailscale ping` from this control plane to each other one. */
export const checkControlPlanePaths = async (step: StepContext) => {
  if (step.node.role !== 'control-plane') return;
  const others = step.plan.nodes.filter(
    (node) => node.role === 'control-plane' && node.name !== step.node.name,
  );
  await Promise.all(
    others.map(async (peer) => {
      const target = peer.ip || peer.dnsName;
      const result = await step.host.run(pathPingArgv(target), {allowFailure: true, quiet: true});
      const path = parsePing(result.stdout);
      switch (path.kind) {
        case 'direct':
          return;
        case 'no-reply':
          warn(
            step,
            `no reply from ${peer.name} over the tailnet (tailscale ping ${target}); control planes must reach each other, so check that ${peer.name} is online`,
          );
          return;
        default:
          warn(
            step,
            `${step.node.name} reaches ${peer.name} only through a relay (${path.via}, ${path.latency}); etcd over a relay is slow and flaps. Let UDP 41641 through the firewalls between them (tailscale netcheck tells what blocks it), or put them on one LAN.`,
          );
      }
    }),
  );
};
