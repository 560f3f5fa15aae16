// What the control servers' APIs say about routes, and what to send them
// (issue 9, "Route approval without clicking"). Approval is per device, and
// both APIs REPLACE a device's approved set (Headscale's
// POST /api/v1/node/{id}/approve_routes; Tailscale's
// POST /api/v2/device/{id}/routes), so every write here is the device's
// current approvals plus the VIP, never the VIP alone (conformance review B8).
import * as z from 'zod/mini';
import {quoteArgument} from '../remote/quote.js';

export interface DeviceRoutes {
  /** What the device advertises (Headscale's availableRoutes, Tailscale's advertisedRoutes). */
  readonly advertised: readonly string[];
  /** What the control server has approved for it (approvedRoutes, enabledRoutes). */
  readonly approved: readonly string[];
}

const routeList = z.optional(z.nullable(z.array(z.string())));
const list = (routes: readonly string[] | null | undefined) => [...(routes ?? [])];

const headscaleNode = z.object({
  // grpc-gateway prints uint64 as a string; older servers a number.
  id: z.union([z.string(), z.number()]),
  name: z.optional(z.string()),
  givenName: z.optional(z.string()),
  ipAddresses: routeList,
  approvedRoutes: routeList,
  availableRoutes: routeList,
});

export interface HeadscaleNode extends DeviceRoutes {
  readonly id: string;
  readonly names: readonly string[];
  readonly addresses: readonly string[];
}

/** GET /api/v1/node. undefined when the body is not that shape. */
export const parseHeadscaleNodes = (body: unknown): HeadscaleNode[] | undefined => {
  const parsed = z.safeParse(z.object({nodes: z.optional(z.array(headscaleNode))}), body);
  if (!parsed.success) return undefined;
  return (parsed.data.nodes ?? []).map((node) => ({
    id: String(node.id),
    names: [node.givenName, node.name].filter((name): name is string => !!name),
    addresses: list(node.ipAddresses),
    advertised: list(node.availableRoutes),
    approved: list(node.approvedRoutes),
  }));
};

/** The Headscale node of a plan node: by Tailscale address first (names can repeat), then name. */
export const findHeadscaleNode = (
  nodes: readonly HeadscaleNode[],
  wanted: {readonly ip: string; readonly name: string},
): HeadscaleNode | undefined =>
  nodes.find((node) => wanted.ip !== '' && node.addresses.includes(wanted.ip)) ??
  nodes.find((node) => node.names.some((name) => name.toLowerCase() === wanted.name.toLowerCase()));

/** GET (or the answer to POST) /api/v2/device/{id}/routes. undefined when not that shape. */
export const parseTailscaleRoutes = (body: unknown): DeviceRoutes | undefined => {
  const parsed = z.safeParse(
    z.object({advertisedRoutes: routeList, enabledRoutes: routeList}),
    body,
  );
  return parsed.success
    ? {advertised: list(parsed.data.advertisedRoutes), approved: list(parsed.data.enabledRoutes)}
    : undefined;
};

/** The approved set with `route` added: what to send, since both APIs replace the whole set. */
export const withApproved = (approved: readonly string[], route: string): string[] =>
  [...new Set([...approved, route])].sort();

export type ApprovalState = 'approved' | 'not-advertised' | 'not-approved';

export const approvalOf = (routes: DeviceRoutes, route: string): ApprovalState =>
  routes.approved.includes(route)
    ? 'approved'
    : routes.advertised.includes(route)
      ? 'not-approved'
      : 'not-advertised';

/**
 * `headscale nodes approve-routes` for one node, keeping what it already has approved: the CLI
 * replaces the node's set, so the command reads it first (`nodes list -o json`) and adds the route.
 */
export const headscaleApproveCommand = (node: {readonly id: string}, route: string): string => {
  const filter = `.[] | select((.id | tostring) == ${JSON.stringify(node.id)}) | (.approved_routes // []) + [${JSON.stringify(route)}] | unique | join(",")`;
  return `headscale nodes approve-routes --identifier ${quoteArgument(node.id)} --routes "$(headscale nodes list -o json | jq -r ${quoteArgument(filter)})"`;
};
