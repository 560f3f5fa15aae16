import {ciliumChartVersion} from '../source/core/artifacts/cilium-version.js';
import {kubeVipVersion} from '../source/core/artifacts/kube-vip-version.js';
import {apiEndpoint} from '../source/core/artifacts/vip.js';
import {endpointTitles, isLanEndpoint, type EndpointKind} from '../source/core/plan/endpoint.js';
import type {Artifact} from '../source/core/artifacts/types.js';
import {controlPlanes} from '../source/core/plan/build.js';
import {quorumLine} from '../source/core/plan/quorum.js';
import type {Access, Plan} from '../source/core/plan/types.js';
import type {Finding} from '../source/core/validate/finding.js';
import {findingLines} from './components/finding-lines.js';
import {plural} from './components/text.js';
import {symbols} from './theme.js';

export type Tone = 'plain' | 'heading' | 'error' | 'warning' | 'ok' | 'dim';

export interface DocumentLine {
  readonly text: string;
  readonly tone: Tone;
}

/** A scrollable page of the Review screen: the plan, or one generated file. */
export interface ReviewDocument {
  readonly title: string;
  readonly lines: readonly DocumentLine[];
}

const line = (text: string, tone: Tone = 'plain'): DocumentLine => ({text, tone});

const pad = (text: string, width: number): string =>
  text.length >= width ? `${text.slice(0, Math.max(0, width - 2))}… ` : text.padEnd(width);

const endpointHolder: Readonly<Record<EndpointKind, string>> = {
  'tailscale-vip': 'the VIP, held by every control plane',
  'keepalived-haproxy': 'the VIP, HAProxy on every control plane',
  'kube-vip': 'the VIP, held by the kube-vip leader',
};

/** The endpoint and what it installs, as the files list names them; under 64 columns. */
const endpointLine = (endpoint: EndpointKind): string => {
  switch (endpoint) {
    case 'tailscale-vip':
      return `${endpointTitles[endpoint]} (lo1, a /32 route, the health gate)`;
    case 'keepalived-haproxy':
      return `${endpointTitles[endpoint]} (keepalived/, haproxy/haproxy.cfg)`;
    case 'kube-vip':
      return `${endpointTitles[endpoint]} ${kubeVipVersion}, image pinned (kube-vip/<node>.yaml)`;
  }
};

export const describeAuth = (access: Access): string => {
  switch (access.auth.kind) {
    case 'agent':
      return `${access.user} via ssh-agent`;
    case 'key':
      return `${access.user} with key file ${access.auth.keyFile || '(no path)'}`;
    case 'tailscale-ssh':
      return `${access.user} via Tailscale SSH`;
  }
};

/**
 * The plan as lines for the Review screen: findings first (errors say what
 * to fix), then nodes, network and access. Finding messages are wrapped to
 * `width` here so the screen can scroll by line.
 */
export const planDocument = (
  plan: Plan,
  findings: readonly Finding[],
  width: number,
  /** The route API key file from Access; empty or absent: routes approved by hand. */
  apiKeyFile = '',
): ReviewDocument => {
  const lines: DocumentLine[] = [];
  const errors = findings.filter((finding) => finding.severity === 'error');
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  lines.push(
    line(
      `Findings: ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`,
      'heading',
    ),
  );
  if (findings.length === 0) lines.push(line(`${symbols.ok} Nothing to fix.`, 'ok'));
  for (const finding of [...errors, ...warnings]) {
    for (const text of findingLines(finding, width - 2)) {
      lines.push(line(`  ${text}`, finding.severity === 'error' ? 'error' : 'warning'));
    }
  }
  lines.push(line(''));

  const cps = controlPlanes(plan);
  lines.push(line(`Cluster ${plan.clusterName} · Kubernetes ${plan.kubernetesVersion}`, 'heading'));
  lines.push(
    line(`  API endpoint  ${apiEndpoint(plan)} (${endpointHolder[plan.network.endpoint]})`),
  );
  lines.push(line(`  Endpoint      ${endpointLine(plan.network.endpoint)}`));
  lines.push(line(`  Pod CIDR      ${plan.network.podCidr}`));
  lines.push(line(`  Service CIDR  ${plan.network.serviceCidr}`));
  lines.push(line(`  CNI           Cilium ${ciliumChartVersion} (Helm chart, pinned)`));
  lines.push(line(''));

  lines.push(line(`Nodes (${plan.nodes.length}) · ${quorumLine(cps.length)}`, 'heading'));
  plan.nodes.forEach((node, index) => {
    const role = node.role === 'control-plane' ? 'control plane' : 'worker';
    const marker = index === 0 && node.role === 'control-plane' ? `${symbols.init} ` : '  ';
    const init = marker.trim() ? 'init node' : '';
    lines.push(
      line(`  ${marker}${pad(node.name, 18)}${pad(role, 15)}${pad(node.ip || '—', 17)}${init}`),
    );
  });
  if (plan.nodes.length === 0) lines.push(line('  No nodes chosen.', 'dim'));
  lines.push(line(''));

  lines.push(line(`Access: ${describeAuth(plan.access)}`, 'heading'));
  const overrides = plan.nodes.filter((node) => node.access);
  for (const node of overrides) {
    if (node.access) lines.push(line(`  ${pad(node.name, 18)}${describeAuth(node.access)}`));
  }
  // Only the Tailscale VIP is a route to approve; a LAN endpoint's VIP moves by ARP.
  if (!isLanEndpoint(plan.network.endpoint))
    lines.push(
      line(
        apiKeyFile
          ? `Route approval: through the API, key file ${apiKeyFile}`
          : 'Route approval: by hand (the run shows the command for each control plane)',
        'heading',
      ),
    );
  if (plan.allowEvenControlPlanes) {
    lines.push(line(''));
    lines.push(
      line(`${symbols.warning} You chose to keep an even number of control planes.`, 'warning'),
    );
  }
  return {title: 'Plan and findings', lines};
};

export const artifactDocument = (artifact: Artifact): ReviewDocument => {
  const lines = artifact.content.replace(/\n$/, '').split('\n');
  return {
    title: `${artifact.path} · ${artifact.title}`,
    lines: lines.map((text) => line(text.replace(/\t/g, '  '))),
  };
};
