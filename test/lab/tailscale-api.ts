// A local stand-in for Tailscale's public API (api.tailscale.com/api/v2), as
// far as the wizard uses it: the device routes endpoints of the published
// reference (GET and POST /api/v2/device/{deviceId}/routes, Bearer access
// token, POST replaces the enabled set). The real API is out of reach here, so
// this server follows the reference and keeps the state where the lab's real
// control server does: it reads and writes the lab Headscale's approved routes.
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {headscaleNodes, setApprovedRoutesById} from './tailnet.js';

export interface TailscaleApiStandIn {
  readonly url: string;
  /** Every request: method, path and whether its token was right. */
  readonly requests: Array<{method: string; path: string; authorized: boolean}>;
  close(): Promise<void>;
}

export const startTailscaleApi = async (token: string): Promise<TailscaleApiStandIn> => {
  const requests: TailscaleApiStandIn['requests'] = [];
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {'Content-Type': 'application/json'});
      response.end(JSON.stringify(body));
    };
    const authorized = request.headers.authorization === `Bearer ${token}`;
    const path = request.url ?? '';
    requests.push({method: request.method ?? '', path, authorized});
    if (!authorized) return send(401, {message: 'API token invalid'});
    const match = /^\/api\/v2\/device\/([^/]+)\/routes$/.exec(path);
    if (!match) return send(404, {message: 'not found'});
    const id = decodeURIComponent(match[1] ?? '');
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        const node = (await headscaleNodes()).find((n) => String(n.id) === id);
        if (!node) return send(404, {message: 'device not found'});
        if (request.method === 'POST') {
          let routes: unknown;
          try {
            routes = (JSON.parse(body) as {routes?: unknown}).routes;
          } catch {
            return send(400, {message: 'invalid JSON body'});
          }
          if (!Array.isArray(routes) || !routes.every((r) => typeof r === 'string'))
            return send(400, {message: '"routes" must be an array of strings'});
          await setApprovedRoutesById(id, routes as string[]);
        } else if (request.method !== 'GET') return send(405, {message: 'method not allowed'});
        const now = (await headscaleNodes()).find((n) => String(n.id) === id);
        send(200, {
          advertisedRoutes: now?.available_routes ?? [],
          enabledRoutes: now?.approved_routes ?? [],
        });
      })().catch((error: unknown) => send(500, {message: String(error)}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
