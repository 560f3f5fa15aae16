// Restart counts of kube-apiserver and etcd (`crictl ps -a`, DOMAIN.md). A high
// ATTEMPT alone is history; doctor looks twice, a few seconds apart, and calls
// it a fault only when a container is not running now or restarted meanwhile.
// Every endpoint: a crash-looping apiserver or etcd breaks any of them.
import {manualFix, result, type CheckResult} from './check.js';
import {newest, parseCrictlPs} from './crictl.js';
import {couldNotRun, perHost} from './per-host.js';

const id = 'control-plane-restarts';
const watched = ['kube-apiserver', 'etcd'] as const;

export const controlPlaneRestarts = perHost(
  id,
  'kube-apiserver and etcd restarts',
  ['control-plane'],
  (host): CheckResult => {
    const samples = host.crictl;
    if (samples === undefined || samples.first.code !== 0)
      return couldNotRun(id, host.host, 'crictl ps -a', samples?.first);
    if (samples.second.code !== 0)
      return couldNotRun(id, host.host, 'crictl ps -a', samples.second);
    const before = parseCrictlPs(samples.first.stdout);
    const after = parseCrictlPs(samples.second.stdout);
    const problems: string[] = [];
    const lines: string[] = [];
    for (const name of watched) {
      const was = newest(before, name);
      const now = newest(after, name);
      if (now === undefined) {
        problems.push(`there is no ${name} container`);
        lines.push(`no ${name} in crictl ps -a`);
        continue;
      }
      lines.push(now.line);
      if (now.state !== 'Running' || (was !== undefined && was.state !== 'Running'))
        problems.push(`${name} is not running (${now.state}, attempt ${now.attempt})`);
      // Another container than before is a restart too, even one whose ATTEMPT began again at 0.
      else if (was !== undefined && (now.attempt > was.attempt || now.id !== was.id))
        problems.push(
          `${name} restarted within ${samples.sampleSeconds} s (attempt ${was.attempt} → ${now.attempt})`,
        );
    }
    const evidence = `crictl ps -a: ${lines.join(' | ')}`;
    if (problems.length === 0)
      return result(
        id,
        host.host,
        'pass',
        evidence,
        `kube-apiserver and etcd ran without a restart for the ${samples.sampleSeconds} s doctor watched.`,
      );
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `On ${host.host} ${problems.join('; ')}. While they restart, every request to this apiserver is refused; the usual cause is a cgroup driver mismatch (see cgroup-driver), else a missing manifest or a bad flag in its log.`,
      manualFix('Read why the container stops, then fix that cause.', [
        'sudo crictl ps -a --name kube-apiserver',
        'sudo crictl logs --tail 30 CONTAINER-ID',
        'ls /etc/kubernetes/manifests',
        'sudo journalctl -u kubelet -n 50 --no-pager',
      ]),
    );
  },
);
