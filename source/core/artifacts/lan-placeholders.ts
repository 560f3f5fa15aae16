import {isDottedIpv4} from '../net/address.js';
import {InputError} from '../errors.js';

/**
 * Stand-ins for the facts of a control plane's LAN that the plan cannot know:
 * which interface holds the LAN endpoint's VIP, its prefix length, and the
 * control planes' LAN addresses (`tailscale status` shows some addresses but
 * not which interface or subnet they are on). Preflight reads them over SSH
 * (`ip -4 -o addr`, `ip route get VIP`) and the engine fills them in with
 * `fillLanPlaceholders` right before it writes the file. Unlike the join
 * material (placeholders.ts) they are no secret; they are placeholders only
 * because they are facts of the host at run time.
 */
export const lanPlaceholders = {
  /** The interface in the VIP's subnet, e.g. `eth0`. */
  interface: '@@LAN_INTERFACE@@',
  /** Its prefix length, e.g. `24`: the VIP goes on with the subnet's prefix. */
  prefix: '@@LAN_PREFIX@@',
} as const;

/**
 * The LAN address of the control plane at `index` among the plan's control
 * planes (0 is the init node). By index, not by name: a name from the tailnet
 * may hold characters a placeholder cannot.
 */
export const lanAddressPlaceholder = (index: number): string => `@@LAN_ADDRESS_${index}@@`;

export interface LanFacts {
  readonly interface: string;
  readonly prefix: number;
  /** Each control plane's LAN IPv4 address, in the plan's control-plane order. */
  readonly addresses: readonly string[];
}

// A Linux interface name: at most 15 bytes, no `/`, whitespace or `:`
// (dev_valid_name); narrower here so it cannot break out of any file's syntax.
const interfaceName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const anyLanPlaceholder = /@@LAN_[A-Z0-9_]+@@/g;

/**
 * Replaces every LAN placeholder in `text`. Throws an InputError naming the
 * fact when one is missing or malformed, or when a placeholder is left.
 */
export const fillLanPlaceholders = (text: string, facts: LanFacts): string => {
  if (text.includes(lanPlaceholders.interface) && !interfaceName.test(facts.interface))
    throw new InputError(`The LAN interface name "${facts.interface}" is not one Linux allows.`);
  if (
    text.includes(lanPlaceholders.prefix) &&
    !(Number.isInteger(facts.prefix) && facts.prefix >= 1 && facts.prefix <= 32)
  )
    throw new InputError(`The LAN prefix length ${facts.prefix} is not between 1 and 32.`);
  let filled = text
    .replaceAll(lanPlaceholders.interface, facts.interface)
    .replaceAll(lanPlaceholders.prefix, String(facts.prefix));
  facts.addresses.forEach((address, index) => {
    const placeholder = lanAddressPlaceholder(index);
    if (!filled.includes(placeholder)) return;
    if (!isDottedIpv4(address))
      throw new InputError(
        `The LAN address "${address}" of control plane ${index + 1} is not IPv4.`,
      );
    filled = filled.replaceAll(placeholder, address);
  });
  const leftover = [...new Set(filled.match(anyLanPlaceholder) ?? [])];
  if (leftover.length > 0)
    throw new InputError(`LAN placeholder left unfilled: ${leftover.join(', ')}.`);
  return filled;
};
