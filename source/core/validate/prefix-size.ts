import {error, type Rule} from './rule.js';

// kube-controller-manager gives every node a /24 of the pod CIDR (--node-cidr-mask-size
// defaults to 24 for IPv4), and kube-apiserver refuses an IPv4 service range larger than /12.
const nodeMaskSize = 24;
const largestServicePrefix = 12;
// The service range must hold the `kubernetes` service (.1) and CoreDNS (.10) and room to grow.
const smallestServicePrefix = 28;

export const prefixSize: Rule = ({plan, podCidr, serviceCidr}) => [
  ...(podCidr.ok && podCidr.value.cidr[1] > nodeMaskSize
    ? [
        error(
          'pod-cidr-too-small',
          `Pod CIDR ${podCidr.value.text} is smaller than one node's /${nodeMaskSize} share; use a /${nodeMaskSize} or larger, such as /16.`,
          'podCidr',
        ),
      ]
    : podCidr.ok && 2 ** (nodeMaskSize - podCidr.value.cidr[1]) < plan.nodes.length
      ? [
          error(
            'pod-cidr-too-small',
            `Pod CIDR ${podCidr.value.text} has room for ${2 ** (nodeMaskSize - podCidr.value.cidr[1])} nodes (a /${nodeMaskSize} each) but the plan has ${plan.nodes.length}; use a larger range such as /16.`,
            'podCidr',
          ),
        ]
      : []),
  ...(serviceCidr.ok && serviceCidr.value.cidr[1] < largestServicePrefix
    ? [
        error(
          'service-cidr-too-large',
          `Service CIDR ${serviceCidr.value.text} is larger than kube-apiserver accepts (/${largestServicePrefix} at most); use a /${largestServicePrefix} to /24, such as 10.96.0.0/12.`,
          'serviceCidr',
        ),
      ]
    : serviceCidr.ok && serviceCidr.value.cidr[1] > smallestServicePrefix
      ? [
          error(
            'service-cidr-too-small',
            `Service CIDR ${serviceCidr.value.text} has only ${2 ** (32 - serviceCidr.value.cidr[1])} addresses, too few for the cluster's own services; use a /24 or larger.`,
            'serviceCidr',
          ),
        ]
      : []),
];
