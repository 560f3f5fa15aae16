// keepalived for the keepalived + HAProxy endpoint (issue 11; kubeadm's HA
// guide, docs/ha-considerations.md in kubernetes/kubeadm; seed 003). VRRP
// moves the VIP between the control planes on their shared LAN within about
// three advertisement intervals when the holder goes away, and a check script
// moves it off a node whose apiserver or HAProxy stopped answering.
import {controlPlanes} from '../plan/build.js';
import {haproxyPort} from '../plan/endpoint.js';
import {defaults} from '../plan/defaults.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {quoteArgument} from '../remote/quote.js';
import {lanAddressPlaceholder, lanPlaceholders} from './lan-placeholders.js';
import {vrrpRouterId} from './lan-vip.js';
import {shellComment, shellText} from './shell-text.js';

export const keepalivedPaths = {
  config: '/etc/keepalived/keepalived.conf',
  checkScript: '/etc/keepalived/check_apiserver.sh',
} as const;

/** The init node's priority; each further control plane one less, in plan order. */
export const topPriority = 150;

/**
 * What a failing check takes off a node's priority. kubeadm's guide has -2
 * with priorities 101 and 100; with more nodes a failing node could still
 * outrank a healthy one two places below it. 50 puts every failing node below
 * every healthy one (the plan has far fewer than 50 control planes).
 */
export const checkWeight = -50;

/** Each control plane's VRRP priority, by name: descending from the init node. */
export const vrrpPriority = (plan: Plan, node: PlanNode): number =>
  topPriority - Math.max(0, controlPlanes(plan).indexOf(node));

/**
 * `keepalived/<node>.conf`, installed as /etc/keepalived/keepalived.conf on
 * that control plane. `state BACKUP` everywhere: the priorities alone elect
 * the holder, so a restarted node never claims the VIP before it has heard
 * the others. `vip` must be a checked IPv4 address (lan-vip.ts).
 */
export const keepalivedConf = (plan: Plan, node: PlanNode, vip: string): string => {
  const cps = controlPlanes(plan);
  const index = cps.indexOf(node);
  const peers = cps.flatMap((other, at) => (other === node ? [] : [lanAddressPlaceholder(at)]));
  return shellText([
    shellComment(`keepalived on ${node.name}: the Kubernetes API's VIP ${vip} (ha-wizard).`),
    '# The @@LAN_...@@ placeholders are the LAN interface, its prefix length and the',
    "# control planes' LAN addresses, which preflight reads on the hosts and fills in",
    '# before writing this file.',
    '',
    '# Run the check as root without the "scripts are being executed but script_security',
    '# not enabled" warning: the script is root-owned and not writable by anyone else.',
    'global_defs {',
    '    script_user root',
    '    enable_script_security',
    '}',
    '',
    "# kubeadm's HA guide: every 3 s; 10 failures in a row (30 s) lower the priority,",
    '# 2 successes restore it. HAProxy on the other nodes already routes around a dead',
    '# apiserver within seconds, so the VIP need not move for that alone.',
    'vrrp_script check_apiserver {',
    `    script "${keepalivedPaths.checkScript}"`,
    '    interval 3',
    `    weight ${checkWeight}`,
    '    fall 10',
    '    rise 2',
    '}',
    '',
    'vrrp_instance ha_wizard_api {',
    '    state BACKUP',
    `    interface ${lanPlaceholders.interface}`,
    `    virtual_router_id ${vrrpRouterId(vip)}`,
    `    priority ${vrrpPriority(plan, node)}`,
    '    advert_int 1',
    '    # Unicast to the other control planes: many networks (Wi-Fi, cloud VPCs,',
    '    # some switches) drop VRRP multicast.',
    `    unicast_src_ip ${lanAddressPlaceholder(Math.max(0, index))}`,
    '    unicast_peer {',
    ...peers.map((peer) => `        ${peer}`),
    '    }',
    '    virtual_ipaddress {',
    `        ${vip}/${lanPlaceholders.prefix} dev ${lanPlaceholders.interface}`,
    '    }',
    '    track_script {',
    '        check_apiserver',
    '    }',
    '}',
  ]);
};

/**
 * `keepalived/check_apiserver.sh` (/etc/keepalived/check_apiserver.sh, mode
 * 0755), as in kubeadm's guide: the local apiserver must answer, and while
 * this node holds the VIP, so must HAProxy behind it. `--fail` makes an
 * unhealthy /healthz (HTTP 500) count as a failure, which the guide's plain
 * `--silent` does not. The VIP is matched as ` VIP/` in `ip -o addr` so
 * 10.0.0.1 does not match 10.0.0.10.
 */
export const checkApiserverScript = (vip: string): string => {
  const local = `https://localhost:${defaults.apiServerPort}/healthz`;
  const viaVip = `https://${vip}:${haproxyPort}/healthz`;
  return shellText([
    '#!/bin/sh',
    '# keepalived check for the Kubernetes API endpoint (ha-wizard).',
    '',
    'errorExit() {',
    '    echo "*** $*" 1>&2',
    '    exit 1',
    '}',
    '',
    `curl --silent --fail --max-time 2 --insecure ${quoteArgument(local)} -o /dev/null || errorExit ${quoteArgument(`Error GET ${local}`)}`,
    `if ip -4 -o addr show | grep -qF ${quoteArgument(` ${vip}/`)}; then`,
    `    curl --silent --fail --max-time 2 --insecure ${quoteArgument(viaVip)} -o /dev/null || errorExit ${quoteArgument(`Error GET ${viaVip}`)}`,
    'fi',
  ]);
};
