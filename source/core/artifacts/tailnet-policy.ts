import {controlPlanes} from '../plan/build.js';
import type {Plan} from '../plan/types.js';
import {clusterGrants, type Grant} from './tailnet-grants.js';
import {vipRoute} from './vip.js';

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

const policyParts = (plan: Plan) => {
  const {tag} = controlPlaneTag(plan);
  return {
    tagOwners: {[tag]: ['autogroup:admin']},
    autoApprovers: {routes: {[vipRoute(plan.network.vip)]: [tag]}},
    grants: clusterGrants(plan),
  };
};

const grantJson = ({src, dst, ip}: Grant) => ({src, dst, ip});

/**
 * The parts of the tailnet policy the cluster needs (DOMAIN.md phase 7, and
 * what the nodes send each other), as plain JSON: what the run's route-approval
 * step reads its `autoApprovers` snippet from.
 */
export const tailnetPolicy = (plan: Plan): string => {
  const parts = policyParts(plan);
  return `${JSON.stringify({...parts, grants: parts.grants.map(grantJson)}, null, 2)}\n`;
};

const comment = (text: string, indent: string): string[] => {
  // Wrapped at about 76 columns so the file reads in a terminal.
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && `${indent}// ${line} ${word}`.length > 78) {
      lines.push(`${indent}// ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}// ${line}`);
  return lines;
};

const json = (value: unknown) => JSON.stringify(value).replaceAll('","', '", "');

/**
 * `tailscale/policy.hujson`: the same parts with a comment on each, to merge
 * by hand into the tailnet policy file (HuJSON allows comments).
 */
export const tailnetPolicyHujson = (plan: Plan): string => {
  const {tagOwners, autoApprovers, grants} = policyParts(plan);
  const [tag] = Object.keys(tagOwners);
  const [route] = Object.keys(autoApprovers.routes);
  const lines = [
    ...comment(
      `ha-wizard: what cluster ${plan.clusterName} needs from the tailnet policy. Merge these parts into your policy file. A tag in it admits every device that carries the tag: give it to the cluster's nodes only. A node without tags is named by its Tailscale address, which changes if it registers again.`,
      '',
    ),
    '{',
    ...comment('Who may give the control planes their tag.', '  '),
    `  "tagOwners": {${json(tag)}: ${json(tagOwners[tag!])}},`,
    ...comment(
      'Approves the VIP route of every control plane carrying the tag, so failover has somewhere to go without a click in the admin console.',
      '  ',
    ),
    `  "autoApprovers": {"routes": {${json(route)}: ${json(autoApprovers.routes[route!])}}},`,
    '  "grants": [',
    ...grants.flatMap((grant, index) => [
      ...comment(grant.why, '    '),
      `    {`,
      `      "src": ${json(grant.src)},`,
      `      "dst": ${json(grant.dst)},`,
      `      "ip": ${json(grant.ip)}`,
      `    }${index < grants.length - 1 ? ',' : ''}`,
    ]),
    '  ]',
    '}',
  ];
  return `${lines.join('\n')}\n`;
};
