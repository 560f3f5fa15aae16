import ipaddr from 'ipaddr.js';
import {InputError} from '../errors.js';
import type {Peer, Tailnet} from './types.js';

const sameIp = (a: string | undefined, b: string): boolean => {
  if (!a) return false;
  try {
    return ipaddr.parse(a).toString() === ipaddr.parse(b).toString();
  } catch {
    return false;
  }
};

const matches = (peer: Peer, ref: string): boolean => {
  const name = ref.toLowerCase().replace(/\.$/, '');
  const dns = peer.dnsName.toLowerCase();
  return (
    peer.hostName.toLowerCase() === name ||
    (dns !== '' && (dns === name || dns.split('.')[0] === name)) ||
    sameIp(peer.ipv4, ref) ||
    sameIp(peer.ipv6, ref)
  );
};

/**
 * Finds the device a user named by HostName, MagicDNS name (full, with or
 * without the trailing dot, or its first label) or Tailscale IP.
 */
export const resolvePeer = (tailnet: Tailnet, ref: string): Peer => {
  const found = tailnet.peers.filter((peer) => matches(peer, ref.trim()));
  const [only, ...more] = found;
  if (!only) {
    throw new InputError(
      `Unknown node "${ref}": no device in ${tailnet.source} has that host name, MagicDNS name or Tailscale IP (\`tailscale status\` lists them).`,
    );
  }
  if (more.length > 0) {
    const names = found.map((peer) => peer.dnsName || peer.ipv4 || peer.id).join(', ');
    throw new InputError(
      `Node name "${ref}" matches ${found.length} devices (${names}); name it by MagicDNS name or Tailscale IP instead.`,
    );
  }
  return only;
};
