import {tailnetRanges} from '../plan/defaults.js';
import {isLanEndpoint} from '../plan/endpoint.js';
import type {Finding} from './finding.js';
import {hostRange, overlaps, parseAnyCidr, parseIpv4Cidr, type Range} from './net.js';
import {error, type Rule, type RuleInput} from './rule.js';

interface Named {
  readonly label: string;
  readonly range: Range;
  readonly field?: Finding['field'];
}

// Candidates offered as a fix, in order of how common they are in kubeadm guides.
const alternatives = {
  podCidr: ['10.244.0.0/16', '10.42.0.0/16', '172.20.0.0/16', '10.128.0.0/14'],
  serviceCidr: ['10.96.0.0/12', '10.43.0.0/16', '172.21.0.0/16'],
  vip: ['10.200.0.1/32', '10.201.0.1/32', '172.31.255.1/32'],
} as const;

const userRanges = ({vip, podCidr, serviceCidr}: RuleInput): Named[] => [
  ...(podCidr.ok
    ? [{label: `pod CIDR ${podCidr.value.text}`, range: podCidr.value, field: 'podCidr' as const}]
    : []),
  ...(serviceCidr.ok
    ? [
        {
          label: `service CIDR ${serviceCidr.value.text}`,
          range: serviceCidr.value,
          field: 'serviceCidr' as const,
        },
      ]
    : []),
  ...(vip.ok
    ? [{label: `VIP ${vip.value.toString()}`, range: hostRange(vip.value), field: 'vip' as const}]
    : []),
];

const fixedRanges = (input: RuleInput): Named[] => {
  const vipRoute = input.vip.ok ? hostRange(input.vip.value).text : undefined;
  const routes = input.plan.tailnetRoutes
    // A control plane advertising exactly VIP/32 is this cluster's own route from an earlier run.
    .filter(({route}) => route !== vipRoute)
    .flatMap(({route, peer}) => {
      const range = parseAnyCidr(route);
      return range ? [{label: `the route ${route} that ${peer} already advertises`, range}] : [];
    });
  return [
    {
      label: `the tailnet's range ${tailnetRanges.cgnat}`,
      range: parseAnyCidr(tailnetRanges.cgnat)!,
    },
    {label: `the tailnet's range ${tailnetRanges.ula}`, range: parseAnyCidr(tailnetRanges.ula)!},
    ...routes,
  ];
};

const suggestion = (field: Finding['field'], taken: readonly Named[]): string => {
  const list =
    field === 'podCidr' || field === 'serviceCidr' || field === 'vip' ? alternatives[field] : [];
  const free = list.find((candidate) => {
    const parsed = parseIpv4Cidr(candidate);
    return parsed.ok && taken.every((other) => !overlaps(parsed.value, other.range));
  });
  if (!free) return 'choose a range that overlaps nothing else';
  return field === 'vip'
    ? `choose another VIP such as ${free.replace('/32', '')}`
    : `choose another such as ${free}`;
};

/**
 * Every pair among pod CIDR, service CIDR, VIP/32, the tailnet's ranges and
 * advertised routes. A LAN endpoint's VIP is in the LAN's subnet, which the
 * tailnet's ranges and routes say nothing about (a subnet router may well
 * advertise that very LAN): it is held only against the pod and service CIDRs.
 */
export const overlap: Rule = (input) => {
  const mine = userRanges(input);
  const fixed = fixedRanges(input);
  const lan = isLanEndpoint(input.plan.network.endpoint);
  const findings: Finding[] = [];
  mine.forEach((a, index) => {
    for (const b of [...mine.slice(index + 1), ...fixed]) {
      if (lan && a.field === 'vip' && fixed.includes(b)) continue;
      if (!overlaps(a.range, b.range)) continue;
      // Fix the VIP first (one address is cheapest to move), then the service range.
      const usual =
        b.field === 'vip' || (b.field === 'serviceCidr' && a.field === 'podCidr') ? b : a;
      // A LAN endpoint's VIP is pinned by the LAN: move the cluster's range instead.
      const culprit = lan && usual.field === 'vip' ? (usual === a ? b : a) : usual;
      const others = [...mine, ...fixed].filter((other) => other !== culprit);
      const verb = a.field === 'vip' || b.field === 'vip' ? 'lies inside' : 'overlaps';
      const [first, second] = b.field === 'vip' ? [b, a] : [a, b];
      findings.push(
        error(
          'cidr-overlap',
          `The ${first.label} ${verb} ${second.label}; ${suggestion(culprit.field, others)}.`,
          culprit.field,
        ),
      );
    }
  });
  return findings;
};
