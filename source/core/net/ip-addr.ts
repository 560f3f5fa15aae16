// `ip -j addr show dev lo1`: whether the dummy interface holds the VIP. Shared
// by the VIP phase (6 and 9) and by `ha-wizard doctor`.
import {vipAddress} from '../artifacts/vip.js';

interface IpAddress {
  readonly family?: string;
  readonly local?: string;
  readonly prefixlen?: number;
}

export type Lo1State = 'absent' | 'without-vip' | 'with-vip';

/**
 * From the command's exit code and output: `absent` when the link does not
 * exist (`Device "lo1" does not exist.`, exit 1), else whether the VIP is on it as a /32.
 */
export const lo1StateOf = (code: number | null, stdout: string, vip: string): Lo1State => {
  if (code !== 0) return 'absent';
  let links: unknown;
  try {
    links = JSON.parse(stdout);
  } catch {
    return 'absent';
  }
  const addresses = Array.isArray(links)
    ? links.flatMap((link: {addr_info?: IpAddress[]}) => link.addr_info ?? [])
    : [];
  return addresses.some(
    (address) =>
      address.family === 'inet' && address.local === vipAddress(vip) && address.prefixlen === 32,
  )
    ? 'with-vip'
    : 'without-vip';
};
