import {readFileSync} from 'node:fs';

// Peers shaped like the real captures: every peer of the 39-peer headscale
// tailnet (routes, tags, offline, expired) and of the macOS/iOS one, cycled
// with fresh names and addresses until there are `count`.
const real = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8')) as {
    Self: Record<string, unknown>;
    Peer: Record<string, Record<string, unknown>>;
  };

const shapes = [
  ...Object.values(real('tailscale-status-headscale-39peers-routes-tags-1.98.2.json').Peer),
  ...Object.values(real('tailscale-status-macos-linux-ios-offline-1.94.2.json').Peer),
];

/** `tailscale status --json` text for a tailnet of `count` peers. */
export const statusOfSize = (count: number): string => {
  const base = real('tailscale-status-headscale-39peers-routes-tags-1.98.2.json');
  const peers: Record<string, unknown> = {};
  for (let index = 0; index < count; index += 1) {
    const shape = shapes[index % shapes.length]!;
    const a = (index >> 8) & 0xff;
    const b = index & 0xff;
    const ipv4 = `100.${64 + (a >> 2)}.${a & 0x3 ? a : b}.${b}`;
    peers[`nodekey:${index.toString(16).padStart(64, '0')}`] = {
      ...shape,
      ID: `n${index}`,
      HostName: `host-${index}`,
      DNSName: `host-${index}.example.com.`,
      TailscaleIPs: [ipv4, `fd7a:115c:a1e0::${index.toString(16)}`],
      AllowedIPs: [`${ipv4}/32`, ...((shape['AllowedIPs'] as string[] | undefined) ?? []).slice(2)],
    };
  }
  return JSON.stringify({...base, Peer: peers});
};
