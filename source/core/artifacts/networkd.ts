import {stringify} from 'ini';
import {vipRoute} from './vip.js';

/** The dummy interface that holds the VIP on a control plane (DOMAIN.md phase 6). */
export const lo1Interface = 'lo1';

// ini writes `Key=value` without spaces and a blank line between sections,
// which is the systemd.syntax(7) form.

/** `/etc/systemd/network/lo1.netdev`. */
export const lo1Netdev = (): string => stringify({NetDev: {Name: lo1Interface, Kind: 'dummy'}});

/**
 * `/etc/systemd/network/lo1.network`. `RequiredForOnline=no`: a dummy link
 * never gets a carrier, and systemd-networkd-wait-online would otherwise hold
 * the boot until it times out.
 */
export const lo1Network = (vip: string): string =>
  stringify({
    Match: {Name: lo1Interface},
    Network: {Address: vipRoute(vip)},
    Link: {RequiredForOnline: 'no'},
  });
