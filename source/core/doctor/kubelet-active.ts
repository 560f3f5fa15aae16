// The kubelet runs the static pods; when it is down, nothing restarts them.
// Every endpoint: the static pods (kube-vip's too) need the kubelet.
import {commandFix, result} from './check.js';
import {couldNotRun, perHost} from './per-host.js';

const id = 'kubelet-active';

export const kubeletActive = perHost(id, 'kubelet running', ['control-plane', 'worker'], (host) => {
  const output = host.kubeletActive;
  if (output === undefined)
    return couldNotRun(id, host.host, 'systemctl is-active kubelet', output);
  const state = output.stdout.trim() || 'unknown';
  const evidence = `systemctl is-active kubelet: ${state}`;
  return state === 'active'
    ? result(id, host.host, 'pass', evidence, 'The kubelet runs.')
    : result(
        id,
        host.host,
        'fail',
        evidence,
        `The kubelet is not running on ${host.host}: its pods (on a control plane: etcd and kube-apiserver) are not kept alive and the node turns NotReady.`,
        commandFix(
          'Start the kubelet and keep it enabled; its journal says why it stopped.',
          [['systemctl', 'enable', '--now', 'kubelet']],
          ['sudo journalctl -u kubelet -n 50 --no-pager'],
        ),
      );
});
