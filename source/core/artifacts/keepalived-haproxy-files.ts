// The files keepalived + HAProxy need on one control plane (issue 11), as
// the engine installs them: the generated texts with the node's LAN facts
// filled in (preflight read them), at their system paths and modes.
import type {LanSide} from '../net/lan-side.js';
import {controlPlanes} from '../plan/build.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {haproxyCfg, haproxyConfigPath} from './haproxy.js';
import {checkApiserverScript, keepalivedConf, keepalivedPaths} from './keepalived.js';
import {fillLanPlaceholders} from './lan-placeholders.js';

export interface InstalledFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** The services, in the order they go up (HAProxy first: keepalived's check probes it). */
export const keepalivedHaproxyServices = ['haproxy', 'keepalived'] as const;

/**
 * keepalived.conf, its check script (0755: keepalived runs it, and with
 * `enable_script_security` refuses one that others may write) and
 * haproxy.cfg. `sides` holds every control plane's LAN side, by name; a
 * missing one is an InputError from fillLanPlaceholders.
 */
export const keepalivedHaproxyFiles = (
  plan: Plan,
  node: PlanNode,
  vip: string,
  sides: ReadonlyMap<string, LanSide>,
): InstalledFile[] => {
  const own = sides.get(node.name);
  const facts = {
    interface: own?.interface ?? '',
    prefix: own?.prefix ?? 0,
    addresses: controlPlanes(plan).map((cp) => sides.get(cp.name)?.address ?? ''),
  };
  return [
    {path: haproxyConfigPath, content: haproxyCfg(plan), mode: 0o644},
    {path: keepalivedPaths.checkScript, content: checkApiserverScript(vip), mode: 0o755},
    {
      path: keepalivedPaths.config,
      content: fillLanPlaceholders(keepalivedConf(plan, node, vip), facts),
      mode: 0o644,
    },
  ];
};
