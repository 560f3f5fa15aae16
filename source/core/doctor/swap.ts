// The kubelet refuses to start with swap on (unless configured for it).
// Every endpoint.
import {commandFix, result} from './check.js';
import {couldNotRun, perHost} from './per-host.js';

const id = 'swap';

export const swap = perHost(id, 'swap off', ['control-plane', 'worker'], (host) => {
  const output = host.swaps;
  if (output === undefined || output.code !== 0)
    return couldNotRun(id, host.host, 'cat /proc/swaps', output);
  const active = output.stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (active.length === 0)
    return result(id, host.host, 'pass', '/proc/swaps: no swap in use', 'Swap is off.');
  return result(
    id,
    host.host,
    'fail',
    `/proc/swaps: ${active.map((line) => line.split(/\s+/)[0]).join(', ')}`,
    `Swap is on on ${host.host}; by default the kubelet fails to start with swap, and after the next reboot this node's pods would not come back.`,
    commandFix(
      'Turn swap off now, and comment out the swap lines of /etc/fstab so it stays off.',
      [['swapoff', '-a']],
      ["sudo sed -i.bak '/\\sswap\\s/ s/^#*/#/' /etc/fstab"],
    ),
  );
});
