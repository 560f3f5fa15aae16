import {generateArtifacts} from '../core/artifacts/index.js';
import {InputError} from '../core/errors.js';
import {buildPlan} from '../core/plan/build.js';
import {defaultEndpoint, endpointProblem, isEndpointKind} from '../core/plan/endpoint.js';
import {resolvePeer} from '../core/tailnet/resolve.js';
import {hasErrors, type Finding} from '../core/validate/finding.js';
import {validatePlan} from '../core/validate/index.js';
import {discover} from '../engine/discover.js';
import {writeFolder} from '../engine/write-folder.js';
import type {CommandIo} from './shared.js';
import {planJson, planText} from './plan-output.js';

export interface PlanOptions {
  readonly statusFile?: string;
  readonly demo?: boolean;
  readonly controlPlane: string[];
  readonly worker?: string[];
  /** `tailscale-vip` (the default), `keepalived-haproxy` or `kube-vip`. */
  readonly endpoint?: string;
  readonly vip: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly kubernetesVersion: string;
  readonly clusterName: string;
  readonly sshUser: string;
  readonly identity?: string;
  readonly tailscaleSsh?: boolean;
  readonly allowEvenControlPlanes?: boolean;
  readonly out?: string;
  readonly json?: boolean;
}

// How to insist is surface-specific: the TUI asks, the command line has a flag.
const commandLineHints: Readonly<Record<string, string>> = {
  'even-control-planes': ' To insist, pass --allow-even-control-planes.',
};

const withCommandLineHints = (findings: readonly Finding[]): Finding[] =>
  findings.map((finding) =>
    finding.severity === 'error' && commandLineHints[finding.code]
      ? {...finding, message: `${finding.message}${commandLineHints[finding.code]}`}
      : finding,
  );

/** Splits `a,b` lists and repeated flags alike; empty entries are ignored. */
export const nameList = (values: readonly string[]): string[] =>
  values
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');

/** `ha-wizard plan`: exit 0 without error findings, 2 with them; InputError (exit 1) otherwise. */
export const runPlan = async (options: PlanOptions, io: CommandIo): Promise<number> => {
  const endpoint = options.endpoint ?? defaultEndpoint;
  // The command line checks it first; this is for callers that skip it.
  if (!isEndpointKind(endpoint)) throw new InputError(endpointProblem(endpoint));
  const tailnet = await discover({statusFile: options.statusFile, demo: options.demo, now: io.now});
  const resolveAll = (names: readonly string[]) =>
    nameList(names).map((name) => resolvePeer(tailnet, name));
  const cps = resolveAll(options.controlPlane);
  const workers = resolveAll(options.worker ?? []);
  const twice = cps.find((peer) => workers.some((worker) => worker.id === peer.id));
  if (twice)
    throw new InputError(
      `${twice.hostName} is named as both a control plane and a worker; give it one role.`,
    );
  const unique = <T extends {id: string}>(peers: T[]) => [
    ...new Map(peers.map((peer) => [peer.id, peer])).values(),
  ];
  const plan = buildPlan(tailnet, {
    controlPlanes: unique(cps).map((peer) => peer.id),
    workers: unique(workers).map((peer) => peer.id),
    network: {
      endpoint,
      vip: options.vip,
      podCidr: options.podCidr,
      serviceCidr: options.serviceCidr,
    },
    kubernetesVersion: options.kubernetesVersion,
    clusterName: options.clusterName,
    access: {
      user: options.sshUser,
      auth: options.tailscaleSsh
        ? {kind: 'tailscale-ssh'}
        : options.identity
          ? {kind: 'key', keyFile: options.identity}
          : {kind: 'agent'},
    },
    allowEvenControlPlanes: options.allowEvenControlPlanes ?? false,
  });
  const findings = withCommandLineHints(validatePlan(plan, {now: io.now}));
  const blocked = hasErrors(findings);
  if (options.json) io.stdout(JSON.stringify(planJson(plan, findings)));
  else for (const line of planText(plan, findings, io.style?.out)) io.stdout(line);
  if (options.out !== undefined) {
    if (blocked) {
      io.stderr(`Nothing was written to ${options.out}: the plan has errors.`);
    } else {
      const artifacts = generateArtifacts(plan);
      await writeFolder(options.out, [
        {path: 'plan.json', content: `${JSON.stringify(plan, null, 2)}\n`},
        ...artifacts,
      ]);
      if (!options.json)
        io.stdout(`Wrote plan.json and ${artifacts.length} generated files to ${options.out}`);
    }
  }
  return blocked ? 2 : 0;
};
