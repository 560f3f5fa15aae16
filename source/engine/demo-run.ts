// The in-process demo run: the real phase list and runner against made-up
// hosts of an in-memory world (source/sim/memory-world.ts). Nothing leaves
// this process: no SSH, no socket, no file outside memory, not even the
// user's ~/.kube/config (the workstation is a host of the world too) or a run
// log. Secrets go through a SecretStore as in a real run, so events show what
// the real run would show.
import {parseKubernetesVersion} from '../core/artifacts/kubernetes-version.js';
import {initNode} from '../core/plan/build.js';
import type {Plan} from '../core/plan/types.js';
import type {RunEvent, RunOutcome} from '../core/run/events.js';
import {defaultMachine, demoMachines} from '../sim/demo-machines.js';
import type {SimSettings} from '../sim/env.js';
import {memoryWorld, type MemoryHost, type MemoryWorld} from '../sim/memory-world.js';
import {SimHost} from './host/sim-host.js';
import {phases} from './phases/index.js';
import {abortableSleep, runPhases} from './runner.js';
import {SecretStore} from './secrets.js';
import {undemoableEndpoint} from './undemoable-endpoint.js';

/** The machine running the wizard, inside the world (the demo tailnet's Self). */
export const demoWorkstation = {name: 'workstation', address: '100.101.7.10', home: '/home/demo'};
export const demoKubeconfig = `${demoWorkstation.home}/.kube/config`;

export interface DemoWorld {
  readonly world: MemoryWorld;
  /** 1 = plausible durations (a run takes about half a minute); 0 = no waiting. */
  readonly pace: number;
}

export interface DemoWorldOptions {
  /** Per node name: how its machine differs from the demo's (tests: a RHEL host, no helm). */
  readonly machines?: Readonly<Record<string, Partial<MemoryHost>>>;
  readonly settings?: Partial<SimSettings>;
}

/** The world a plan's demo run happens in: its nodes as fresh machines, plus the workstation. */
export const demoWorld = (plan: Plan, pace: number, options: DemoWorldOptions = {}): DemoWorld => {
  const version = parseKubernetesVersion(plan.kubernetesVersion);
  const hosts: MemoryHost[] = plan.nodes.map((node) => ({
    ...(demoMachines[node.name] ?? defaultMachine),
    name: node.name,
    address: node.ip,
    role: node.role,
    tags: node.tags,
    advertisedRoutes: node.advertisedRoutes,
    // The demo's user followed preflight's advice: Helm's script put helm in /usr/local/bin.
    ...(node.name === initNode(plan)?.name ? {commands: {helm: '/usr/local/bin/helm'}} : {}),
    ...options.machines?.[node.name],
  }));
  if (!hosts.some((host) => host.name === demoWorkstation.name))
    hosts.push({
      ...(demoMachines[demoWorkstation.name] ?? defaultMachine),
      name: demoWorkstation.name,
      address: demoWorkstation.address,
      role: 'workstation',
      tags: [],
      advertisedRoutes: [],
    });
  const world = memoryWorld({
    hosts,
    tailnet: {magicDnsSuffix: 'tail-demo.ts.net', version: '1.98.4-demo', name: 'demo@example.com'},
    // kubeadm of the plan's minor, so preflight has no version skew to warn about.
    settings: {
      kubeadmVersion: `v${version.major}.${version.minor}.${version.patch ?? 2}`,
      ...options.settings,
    },
    // The tailnet policy's autoApprovers take a moment, as a real coordination server does.
    routeApprovalMs: 2500 * pace,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms * pace)),
  });
  return {world, pace};
};

export interface DemoRunOptions {
  readonly onEvent: (event: RunEvent) => void;
  readonly signal: AbortSignal;
}

/** Runs every phase of the plan on the world's hosts. Run it again on the same world: nothing changes. */
export const runDemo = (
  plan: Plan,
  {world, pace}: DemoWorld,
  options: DemoRunOptions,
): Promise<RunOutcome> => {
  const unbuilt = undemoableEndpoint(plan);
  if (unbuilt) return Promise.reject(unbuilt);
  return runPhases({
    plan,
    phases,
    hostFactory: (node) => new SimHost({world, host: node.name, pace}),
    workstation: new SimHost({
      world,
      host: demoWorkstation.name,
      pace,
      userWritable: [demoWorkstation.home],
    }),
    workstationKubeconfig: demoKubeconfig,
    onEvent: options.onEvent,
    signal: options.signal,
    secrets: new SecretStore(),
    sleep: (ms, signal) => abortableSleep(ms * pace, signal),
  });
};
