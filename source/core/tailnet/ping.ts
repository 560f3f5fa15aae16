// What `tailscale ping` says about the path to a peer. Its output
// (cmd/tailscale/cli/ping.go): one line per reply, "pong from NAME (IP) via
// PATH in LATENCY", where PATH is the peer's endpoint (ip:port) when direct,
// `DERP(region)` over a relay server, or `peer-relay(ip:port:vni)` through
// another node; it stops at the first direct reply.

export type PingPath =
  | {readonly kind: 'direct'; readonly via: string; readonly latency: string}
  | {readonly kind: 'derp'; readonly via: string; readonly latency: string}
  | {readonly kind: 'peer-relay'; readonly via: string; readonly latency: string}
  | {readonly kind: 'no-reply'};

/**
 * The path check both preflight and doctor run. Ten pings, the CLI's own default: to an idle
 * peer the first pongs come through DERP while disco sets the direct path up, and ping stops at
 * the first direct pong, so a direct peer answers in about a second and only a truly relayed
 * one takes all ten (about ten seconds). Three pings called normal path set-up a relay.
 */
export const pathPingArgv = (target: string): string[] => [
  'tailscale',
  'ping',
  '--c',
  '10',
  '--timeout',
  '3s',
  target,
];

const pong = /^pong from \S+ \([^)]*\) via (\S+) in (\S+)$/;

/** The path of the last reply (the one ping stopped at). */
export const parsePing = (stdout: string): PingPath => {
  const last = stdout
    .split('\n')
    .map((line) => pong.exec(line.trim()))
    .filter((match) => match !== null)
    .at(-1);
  if (!last) return {kind: 'no-reply'};
  const via = last[1] ?? '';
  const latency = last[2] ?? '';
  if (via.startsWith('DERP(')) return {kind: 'derp', via, latency};
  if (via.startsWith('peer-relay(')) return {kind: 'peer-relay', via, latency};
  return {kind: 'direct', via, latency};
};
