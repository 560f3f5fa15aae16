// Clock skew between hosts (DOMAIN.md): etcd warns from 1 s of difference
// between members, and certificates just issued look "not yet valid" on a
// host whose clock is behind. Each host's clock is compared with the median
// of all of them, so a wrong clock on the workstation blames nobody.
// Every endpoint: etcd and the certificates do not care how the API is reached.
import {manualFix, result, type CheckResult} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import type {Check} from './per-host.js';

const id = 'clock-skew';
/** etcd's own warning threshold (etcdserver: "clock difference against peer … is too high"). */
export const maxSkewSeconds = 1;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  const measured = cluster.hosts.flatMap((host) =>
    host.clock === undefined
      ? []
      : [
          {
            host: host.host,
            // The remote clock against this machine's at the middle of the round trip.
            offset: host.clock.remote - (host.clock.sentAt + host.clock.receivedAt) / 2,
            uncertainty: (host.clock.receivedAt - host.clock.sentAt) / 2,
          },
        ],
  );
  const reference = median(measured.map((entry) => entry.offset));
  return cluster.hosts.map((host) => {
    const entry = measured.find((candidate) => candidate.host === host.host);
    if (entry === undefined)
      return result(
        id,
        host.host,
        'unknown',
        host.unreachable ?? 'date +%s.%N: not read',
        `Doctor could not read ${host.host}'s clock.`,
      );
    const skew = entry.offset - reference;
    const evidence = `date +%s.%N on ${host.host}: ${skew >= 0 ? '+' : ''}${skew.toFixed(2)} s against the hosts' median (±${entry.uncertainty.toFixed(2)} s)`;
    if (Math.abs(skew) - entry.uncertainty <= maxSkewSeconds)
      return result(id, host.host, 'pass', evidence, 'The clock agrees with the other hosts.');
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `${host.host}'s clock is ${Math.abs(skew).toFixed(1)} s ${skew > 0 ? 'ahead of' : 'behind'} the others: etcd members disagree about leases and timeouts, and fresh certificates can look not yet valid.`,
      manualFix('Turn on time synchronisation (systemd-timesyncd or chrony) and check it.', [
        'sudo timedatectl set-ntp true',
        'timedatectl status   # "System clock synchronized: yes"',
      ]),
    );
  });
};

export const clockSkew: Check = {id, title: 'clock skew between hosts', run: judge};
