import {quoteCommand} from '../remote/quote.js';
import {lo1Interface} from './networkd.js';
import {shellComment, shellText} from './shell-text.js';
import {vipRoute} from './vip.js';

/**
 * The NetworkManager way to put the VIP on `lo1` (DOMAIN.md phase 6). The VIP
 * is IPv4 only, so NetworkManager is told to leave IPv6 on the dummy alone.
 */
export const nmcliAddLo1Argv = (vip: string): string[] => [
  'nmcli',
  'connection',
  'add',
  'type',
  'dummy',
  'ifname',
  lo1Interface,
  'con-name',
  lo1Interface,
  'ipv4.method',
  'manual',
  'ipv4.addresses',
  vipRoute(vip),
  'ipv6.method',
  'ignore',
];

/** `network/nmcli.sh`: the alternative to the two systemd-networkd files. */
export const nmcliScript = (vip: string): string =>
  shellText([
    '#!/bin/sh',
    shellComment('The VIP on lo1 for hosts that use NetworkManager instead of systemd-networkd.'),
    shellComment(
      'On the first control plane: before kubeadm init. On a joining control plane: only',
    ),
    shellComment('once its own apiserver is ready.'),
    quoteCommand(nmcliAddLo1Argv(vip)),
  ]);
