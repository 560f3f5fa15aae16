// The VIP on lo1 on every healthy control plane (DOMAIN.md phase 6): Linux's
// local table then answers the VIP on the node itself. The health gate takes
// it off on purpose while the node's apiserver is not ready.
// Tailscale VIP only: a LAN endpoint's VIP sits on the LAN interface of one
// control plane, which lan-vip-holder checks; there is no lo1.
import {lo1Interface, lo1Netdev, lo1Network} from '../artifacts/networkd.js';
import {nmcliAddLo1Argv} from '../artifacts/nmcli.js';
import {vipAddress, vipRoute} from '../artifacts/vip.js';
import {lo1StateOf} from '../net/ip-addr.js';
import {commandFix, result, sudoText, type Fix} from './check.js';
import type {HostEvidence} from './evidence.js';
import {couldNotRun, onlyFor, perHost, readyzText, withdrawnOnPurpose} from './per-host.js';

const id = 'lo1-vip';
export const lo1NetworkdPaths = {
  netdev: '/etc/systemd/network/lo1.netdev',
  network: '/etc/systemd/network/lo1.network',
} as const;

const heredoc = (path: string, content: string) =>
  `sudo tee ${path} >/dev/null <<'EOF'\n${content.trimEnd()}\nEOF`;

const fixFor = (host: HostEvidence, vip: string, exists: boolean): Fix | undefined => {
  const add = ['ip', 'addr', 'add', vipRoute(vip), 'dev', lo1Interface];
  if (exists)
    // lo1 is there (its config too, or it would not exist): the address alone is missing.
    return commandFix(`Put ${vipRoute(vip)} back on ${lo1Interface}.`, [add]);
  if (host.networkManager === 'systemd-networkd')
    return {
      summary: `Create ${lo1Interface} with ${vipRoute(vip)} through systemd-networkd.`,
      commands: [
        heredoc(lo1NetworkdPaths.netdev, lo1Netdev()),
        heredoc(lo1NetworkdPaths.network, lo1Network(vip)),
        sudoText(['networkctl', 'reload']),
      ],
      actions: [
        {kind: 'write', path: lo1NetworkdPaths.netdev, content: lo1Netdev()},
        {kind: 'write', path: lo1NetworkdPaths.network, content: lo1Network(vip)},
        {kind: 'run', argv: ['networkctl', 'reload']},
      ],
    };
  if (host.networkManager === 'NetworkManager')
    return commandFix(`Create ${lo1Interface} with ${vipRoute(vip)} through NetworkManager.`, [
      nmcliAddLo1Argv(vip),
      ['nmcli', 'connection', 'up', lo1Interface],
    ]);
  return undefined;
};

export const lo1Vip = onlyFor(
  ['tailscale-vip'],
  perHost(id, `VIP on ${lo1Interface}`, ['control-plane'], (host, cluster) => {
    if (host.lo1 === undefined)
      return couldNotRun(id, host.host, 'ip -j addr show dev lo1', host.lo1);
    const state = lo1StateOf(host.lo1.code, host.lo1.stdout, cluster.vip);
    const address = vipAddress(cluster.vip);
    const evidence =
      state === 'absent'
        ? `ip addr show dev ${lo1Interface}: Device "${lo1Interface}" does not exist`
        : `ip addr show dev ${lo1Interface}: ${state === 'with-vip' ? `inet ${vipRoute(cluster.vip)}` : `no ${address}`}; readyz: ${readyzText(host.readyz)}`;
    if (state === 'with-vip')
      return result(
        id,
        host.host,
        'pass',
        evidence,
        `${host.host} holds the VIP on ${lo1Interface}.`,
      );
    const expected = withdrawnOnPurpose(id, host, evidence, 'hold the VIP');
    if (expected) return expected;
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `${host.host}'s apiserver is ready but ${address} is not on ${lo1Interface}: when the tailnet routes the VIP to ${host.host}, nothing there answers, and ${host.host} itself sends its VIP traffic elsewhere.`,
      fixFor(host, cluster.vip, state === 'without-vip'),
    );
  }),
);
