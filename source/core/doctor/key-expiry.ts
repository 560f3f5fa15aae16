// A node whose Tailscale key expires drops off the tailnet, and the cluster
// loses it (DOMAIN.md: node key expiry). Read from the node's own status.
// Every endpoint: with a LAN endpoint too, the nodes reach each other (etcd,
// kubelet, Cilium's VXLAN) at their Tailscale addresses.
import {parseStatus} from '../tailnet/parse-status.js';
import {keyExpiryFinding} from '../validate/key-expiry.js';
import {manualFix, result} from './check.js';
import {couldNotRun, perHost} from './per-host.js';

const id = 'key-expiry';

export const keyExpiry = perHost(
  id,
  'Tailscale node key',
  ['control-plane', 'worker'],
  (host, cluster) => {
    const output = host.selfStatus;
    if (output === undefined || output.code !== 0)
      return couldNotRun(id, host.host, 'tailscale status --json', output);
    let self;
    try {
      self = parseStatus(output.stdout, `tailscale status on ${host.host}`).peers.find(
        (peer) => peer.isSelf,
      );
    } catch (error) {
      return result(id, host.host, 'unknown', String(error), 'Its status could not be read.');
    }
    if (!self) return result(id, host.host, 'unknown', 'no Self in the status', 'No own node.');
    const evidence = `tailscale status: KeyExpiry ${self.keyExpiry ?? 'none'}, tags ${self.tags.join(',') || 'none'}`;
    const finding = keyExpiryFinding(
      {...self, name: host.host},
      new Date(cluster.collectedAt ?? 0),
    );
    if (finding === undefined || finding.code !== 'key-expiry-soon')
      return result(
        id,
        host.host,
        'pass',
        evidence,
        self.keyExpiry === undefined
          ? 'Its node key does not expire.'
          : `Its node key expires on ${self.keyExpiry.slice(0, 10)}, more than 30 days away.`,
      );
    return result(
      id,
      host.host,
      'fail',
      evidence,
      finding.message,
      manualFix(
        'In the admin console, open the machine and choose "Disable key expiry" (or tag it, e.g. with tailscale up --advertise-tags); re-authenticate it first if the key already expired.',
        ['https://login.tailscale.com/admin/machines'],
      ),
    );
  },
);
