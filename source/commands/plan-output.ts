import {ciliumChartVersion} from '../core/artifacts/cilium-version.js';
import {apiEndpoint} from '../core/artifacts/vip.js';
import {endpointTitles} from '../core/plan/endpoint.js';
import type {Plan} from '../core/plan/types.js';
import {plainStyle, type Style} from '../core/style.js';
import type {Finding} from '../core/validate/finding.js';

/** The `plan --json` contract: keep these keys exactly, scripts rely on them. */
export const planJson = (plan: Plan, findings: readonly Finding[]) => ({
  ok: !findings.some((finding) => finding.severity === 'error'),
  findings: findings.map(({code, severity, message}) => ({code, severity, message})),
  nodes: plan.nodes.map(({name, role, ip}) => ({name, role, ip})),
});

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Text for people: the same words on a terminal and in a pipe, coloured only by `style`. */
export const planText = (
  plan: Plan,
  findings: readonly Finding[],
  style: Style = plainStyle,
): string[] => {
  const width = Math.max(...plan.nodes.map((node) => node.name.length), 4);
  const lines = [
    `Cluster ${style.bold(plan.clusterName)}: Kubernetes ${plan.kubernetesVersion}, API at ${apiEndpoint(plan)} (${endpointTitles[plan.network.endpoint]}), pods ${plan.network.podCidr}, services ${plan.network.serviceCidr}, Cilium ${ciliumChartVersion}`,
    ...plan.nodes.map(
      (node, index) =>
        `  ${node.role.padEnd(13)}  ${style.bold(node.name.padEnd(width))}  ${style.dim(node.ip || '(no IPv4)')}${index === 0 && node.role === 'control-plane' ? style.dim('  (init node)') : ''}`,
    ),
  ];
  if (findings.length > 0) lines.push('');
  for (const finding of findings) {
    lines.push(
      `${finding.severity === 'error' ? style.error('✗ error  ') : style.warning('! warning')} ${style.bold(finding.code)}: ${finding.message}`,
    );
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push(
    '',
    errors > 0
      ? style.error(
          `${plural(errors, 'error')}, ${plural(warnings, 'warning')}: fix the errors and run the plan again.`,
        )
      : style.ok(
          `No errors${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}: the plan is ready.`,
        ),
  );
  return lines;
};
