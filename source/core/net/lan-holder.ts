// Who holds a LAN endpoint's VIP, and on which interface (issue 11): from each
// control plane's own `ip -j -4 addr show`, read over SSH. keepalived and
// kube-vip both put the VIP on the LAN interface as one more address, so the
// same reading serves both. Exactly one holder is the healthy state; none
// means the API is dark, two means the holders do not hear each other (split
// brain). A node whose addresses could not be read is kept apart as unread, so
// "nobody holds it" is never claimed from missing answers.
import {parseAddresses} from './lan-side.js';

/** One control plane's `ip -j -4 addr show`: its exit code and what it printed. */
export interface AddressReading {
  readonly node: string;
  readonly code: number | null;
  readonly stdout: string;
}

export interface LanHolding {
  readonly node: string;
  readonly interface: string;
}

export interface LanHolders {
  /** The nodes with the VIP among their addresses, in the order read. */
  readonly holders: readonly LanHolding[];
  /** The nodes whose addresses could not be read (the command failed or printed no JSON list). */
  readonly unread: readonly string[];
}

const isJsonList = (text: string): boolean => {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
};

/** `vip` is a dotted-quad IPv4 address (the plan's VIP without a prefix). */
export const lanHolders = (vip: string, readings: readonly AddressReading[]): LanHolders => {
  const holders: LanHolding[] = [];
  const unread: string[] = [];
  for (const reading of readings) {
    if (reading.code !== 0 || !isJsonList(reading.stdout)) {
      unread.push(reading.node);
      continue;
    }
    const held = parseAddresses(reading.stdout).find((entry) => entry.address === vip);
    if (held) holders.push({node: reading.node, interface: held.interface});
  }
  return {holders, unread};
};

/** "cp1 on lan0", for evidence. */
export const holdingText = (holding: LanHolding): string =>
  `${holding.node} on ${holding.interface}`;
