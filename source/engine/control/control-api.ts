// The control server's API, for what the tailnet itself cannot show: whether a
// standby control plane's VIP route is approved (peers see only the primary),
// and approving it without a click in the admin console. Headscale's REST API
// (with `apply --headscale-api-key-file`) or Tailscale's public API (with
// `--tailscale-api-key-file`). The key lives in this process only: it is sent
// in a header and never printed, logged or saved.
import {
  findHeadscaleNode,
  parseHeadscaleNodes,
  parseTailscaleRoutes,
  withApproved,
  type DeviceRoutes,
} from '../../core/tailnet/control-api.js';

/** A plan node as the APIs need it: its Tailscale address, name and status ID. */
export interface ApiNode {
  readonly id: string;
  readonly name: string;
  readonly ip: string;
}

export interface ControlApi {
  /** "Headscale at http://…" or "Tailscale's API": for messages. */
  readonly description: string;
  routes(node: ApiNode): Promise<DeviceRoutes>;
  /** Approves `route` for the node, keeping what it already has approved. */
  approve(node: ApiNode, route: string): Promise<DeviceRoutes>;
}

/** A failure the user can act on: one sentence, never the key. */
export class ControlApiError extends Error {}

const timeoutMs = 15_000;

const request = async (
  description: string,
  url: string,
  key: string,
  init: {method: 'GET' | 'POST'; body?: unknown},
): Promise<unknown> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        Authorization: `Bearer ${key}`,
        Accept: 'application/json',
        ...(init.body === undefined ? {} : {'Content-Type': 'application/json'}),
      },
      ...(init.body === undefined ? {} : {body: JSON.stringify(init.body)}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause ?? error) : error;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ControlApiError(`${description} did not answer ${init.method} ${url}: ${why}`);
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403)
    throw new ControlApiError(
      `${description} refused the API key (HTTP ${response.status}) for ${init.method} ${url}: check that the key file holds a valid, unexpired key with write access to devices`,
    );
  if (!response.ok)
    throw new ControlApiError(
      `${description} answered HTTP ${response.status} to ${init.method} ${url}: ${text.trim().slice(0, 200)}`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlApiError(
      `${description} answered ${init.method} ${url} with something other than JSON`,
    );
  }
};

/** Headscale's REST API (v0.26 and later: /api/v1/node, …/approve_routes). */
export const headscaleApi = (baseUrl: string, key: string): ControlApi => {
  const base = baseUrl.replace(/\/+$/, '');
  const description = `Headscale at ${base}`;
  const node = async (wanted: ApiNode) => {
    const body = await request(description, `${base}/api/v1/node`, key, {method: 'GET'});
    const nodes = parseHeadscaleNodes(body);
    if (!nodes)
      throw new ControlApiError(
        `${description} listed its nodes in a shape this wizard does not know`,
      );
    const found = findHeadscaleNode(nodes, wanted);
    if (!found)
      throw new ControlApiError(`${description} has no node ${wanted.name} (${wanted.ip})`);
    return found;
  };
  return {
    description,
    routes: async (wanted) => node(wanted),
    async approve(wanted, route) {
      const found = await node(wanted);
      if (found.approved.includes(route)) return found;
      await request(
        description,
        `${base}/api/v1/node/${encodeURIComponent(found.id)}/approve_routes`,
        key,
        {method: 'POST', body: {routes: withApproved(found.approved, route)}},
      );
      return node(wanted);
    },
  };
};

export const tailscaleApiUrl = 'https://api.tailscale.com';

/** Tailscale's public API v2: GET/POST /api/v2/device/{id}/routes, the device's enabled routes. */
export const tailscaleApi = (baseUrl: string, key: string): ControlApi => {
  const base = baseUrl.replace(/\/+$/, '');
  const description = base === tailscaleApiUrl ? "Tailscale's API" : `Tailscale's API at ${base}`;
  const url = (node: ApiNode) => `${base}/api/v2/device/${encodeURIComponent(node.id)}/routes`;
  const routesOf = (body: unknown) => {
    const routes = parseTailscaleRoutes(body);
    if (!routes)
      throw new ControlApiError(
        `${description} answered with routes in a shape this wizard does not know`,
      );
    return routes;
  };
  const get = async (node: ApiNode) =>
    routesOf(await request(description, url(node), key, {method: 'GET'}));
  return {
    description,
    routes: get,
    async approve(node, route) {
      const now = await get(node);
      if (now.approved.includes(route)) return now;
      return routesOf(
        await request(description, url(node), key, {
          method: 'POST',
          body: {routes: withApproved(now.approved, route)},
        }),
      );
    },
  };
};

/** What `apply` was given: which API, the key (in memory only), and its URL when given. */
export type ControlApiConfig =
  | {readonly kind: 'headscale'; readonly key: string; readonly url?: string}
  | {readonly kind: 'tailscale'; readonly key: string; readonly url?: string};

/**
 * The API of a config. Headscale's URL, when not given, is the nodes' own control server
 * (`ControlURL` in `tailscale debug prefs`), read once on first use through `controlUrl`.
 */
export const controlApiFor = (
  config: ControlApiConfig,
  controlUrl: () => Promise<string | undefined>,
): ControlApi => {
  if (config.kind === 'tailscale') return tailscaleApi(config.url ?? tailscaleApiUrl, config.key);
  let api: Promise<ControlApi> | undefined;
  const resolve = () =>
    (api ??= (async () => {
      const url = config.url ?? (await controlUrl());
      if (url === undefined || /(^|\.)tailscale\.com(:|\/|$)/.test(new URL(url).hostname))
        throw new ControlApiError(
          `the nodes' control server is ${url ?? 'unknown'}, not Headscale: give --headscale-url, or use --tailscale-api-key-file for Tailscale's own control plane`,
        );
      return headscaleApi(url, config.key);
    })());
  // Named by its URL once known (the first call reads it from the nodes).
  let description = config.url ? `Headscale at ${config.url.replace(/\/+$/, '')}` : 'Headscale';
  const resolved = async () => {
    const found = await resolve();
    description = found.description;
    return found;
  };
  return {
    get description() {
      return description;
    },
    routes: async (node) => (await resolved()).routes(node),
    approve: async (node, route) => (await resolved()).approve(node, route),
  };
};
