import {vipRoute} from './vip.js';

// Argv builders for `tailscale set`, shared by the artifacts, the run and the
// health gate. `set` changes only the flags it names; `up` would demand every
// non-default flag again (anchors 2.5).

export const acceptRoutesArgv = (): string[] => ['tailscale', 'set', '--accept-routes=true'];

const unique = (routes: readonly string[]): string[] => [
  ...new Set(routes.map((route) => route.trim())),
];

/** The node's routes plus the VIP's /32, in their original order, without duplicates. */
export const routesWithVip = (existing: readonly string[], vip: string): string[] =>
  unique([...existing, vipRoute(vip)]);

/** The node's routes without the VIP's /32. */
export const routesWithoutVip = (existing: readonly string[], vip: string): string[] =>
  unique(existing).filter((route) => route !== vipRoute(vip));

// `--advertise-routes` REPLACES the node's whole list (DOMAIN.md phase 5), so
// both builders write back everything else the node advertises. Exit-node
// routes are not in that list: the CLI keeps them on its own (anchors 2.5).
const advertiseArgv = (routes: readonly string[]): string[] => [
  'tailscale',
  'set',
  `--advertise-routes=${routes.join(',')}`,
];

/** Advertise the VIP without dropping the node's other routes. */
export const advertiseRoutesArgv = (existing: readonly string[], vip: string): string[] =>
  advertiseArgv(routesWithVip(existing, vip));

/** Withdraw the VIP (the health gate, on failure); an empty list clears it. */
export const withdrawRouteArgv = (existing: readonly string[], vip: string): string[] =>
  advertiseArgv(routesWithoutVip(existing, vip));
