import {controlPlanes} from '../plan/build.js';
import {defaults} from '../plan/defaults.js';
import type {Plan} from '../plan/types.js';
import {vipAddress, vipRoute} from './vip.js';

/** The tag proposed when the control planes share none yet. */
export const defaultControlPlaneTag = 'tag:k8s-control-plane';

export interface ControlPlaneTag {
  readonly tag: string;
  /** False when the control planes do not carry it yet: the user must tag them. */
  readonly carried: boolean;
}

/**
 * The tag that auto-approves the VIP route. Auto-approvers match the tags that
 * own the advertising node (anchors 2.4), so it must be on every control plane;
 * a tag they already share needs no change on the devices.
 */
export const controlPlaneTag = (plan: Plan): ControlPlaneTag => {
  const [first, ...rest] = controlPlanes(plan);
  const shared = first?.tags.find((tag) => rest.every((node) => node.tags.includes(tag)));
  return shared === undefined
    ? {tag: defaultControlPlaneTag, carried: false}
    : {tag: shared, carried: true};
};

/**
 * `tailscale/policy.hujson`: the parts of the tailnet policy the cluster needs
 * (DOMAIN.md phase 7). Plain JSON, which is valid HuJSON, to merge by hand.
 */
export const tailnetPolicy = (plan: Plan): string => {
  const {tag} = controlPlaneTag(plan);
  const nodeAddresses = [...new Set(plan.nodes.map((node) => node.ip).filter((ip) => ip !== ''))];
  const policy = {
    tagOwners: {[tag]: ['autogroup:admin']},
    autoApprovers: {routes: {[vipRoute(plan.network.vip)]: [tag]}},
    // Approval alone does not let packets through: the policy must also
    // accept traffic to the VIP's apiserver port (anchors 2.4).
    acls: [
      {
        action: 'accept',
        src: [...nodeAddresses, 'autogroup:member'],
        dst: [`${vipAddress(plan.network.vip)}:${defaults.apiServerPort}`],
      },
    ],
  };
  return `${JSON.stringify(policy, null, 2)}\n`;
};
