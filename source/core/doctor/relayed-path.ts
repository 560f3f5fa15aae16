// etcd between control planes over a DERP relay is slow and flaps (DOMAIN.md:
// a relayed path between CPs). `tailscale ping` says which path is in use.
// Every endpoint: etcd's peers are the control planes' Tailscale addresses
// whichever endpoint the API has.
import {parsePing} from '../tailnet/ping.js';
import {manualFix, result, type CheckResult} from './check.js';
import type {Check} from './per-host.js';

const id = 'relayed-path';

export const relayedPath: Check = {
  id,
  title: 'direct paths between control planes',
  run: (cluster) =>
    cluster.hosts
      .filter((host) => host.role === 'control-plane' && host.unreachable === undefined)
      .flatMap((host): CheckResult[] =>
        (host.pings ?? []).map(({peer, output}) => {
          const path = parsePing(output.stdout);
          const evidence = `tailscale ping ${peer}: ${output.stdout.trim().split('\n').at(-1) || output.stderr.trim() || 'no output'}`;
          if (path.kind === 'direct')
            return result(
              id,
              host.host,
              'pass',
              evidence,
              `${host.host} reaches ${peer} directly.`,
            );
          if (path.kind === 'no-reply')
            return result(
              id,
              host.host,
              'fail',
              evidence,
              `${host.host} gets no reply from ${peer} over the tailnet; etcd needs every control plane to reach the others.`,
              manualFix(
                'Check that the peer is online and that the tailnet policy lets the control planes reach each other.',
                [`tailscale status`, `tailscale ping ${peer}`],
              ),
            );
          return result(
            id,
            host.host,
            'fail',
            evidence,
            `${host.host} reaches ${peer} only through a relay (${path.via}); etcd over a relay is slow and its leader elections flap.`,
            manualFix(
              'Let UDP 41641 through the firewalls or NAT between the two (tailscale netcheck shows what blocks it), or put them on one LAN.',
              ['tailscale netcheck'],
            ),
          );
        }),
      ),
};
