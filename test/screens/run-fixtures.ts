// Synthetic run events, as the engine would emit them, for the Run screen's tests.
import {buildPlan} from '../../source/core/plan/build.js';
import type {Plan} from '../../source/core/plan/types.js';
import type {
  RunEvent,
  RunHostInfo,
  RunOutcome,
  RunPhaseInfo,
} from '../../source/core/run/events.js';
import {initialRunState, reduceRun, type RunState} from '../../source/core/run/state.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {
  initialState,
  planChoices,
  wizardReducer,
  type WizardAction,
} from '../../screens/app-state.js';
import {now} from './fixtures.js';

const tailnet = demoTailnet(now);
const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)?.id ?? host;

/** The demo tailnet's plan: rpi4-a, rpi4-b, opi5 control planes; nuc, cloud-arm workers. */
export const demoPlan: Plan = buildPlan(
  tailnet,
  planChoices(
    [
      ...['rpi4-a', 'rpi4-b', 'opi5'].map((host): WizardAction => ({
        type: 'set-role',
        id: id(host),
        role: 'control-plane',
      })),
      ...['nuc', 'cloud-arm'].map((host): WizardAction => ({
        type: 'set-role',
        id: id(host),
        role: 'worker',
      })),
    ].reduce(wizardReducer, initialState(tailnet)),
  ),
);

export const threeHosts: RunHostInfo[] = [
  {name: 'rpi4-a', role: 'control-plane', address: '100.64.0.11'},
  {name: 'rpi4-b', role: 'control-plane', address: '100.64.0.12'},
  {name: 'nuc', role: 'worker', address: '100.64.0.21'},
];

export const twentyHosts: RunHostInfo[] = Array.from({length: 20}, (_, index) =>
  index < 3
    ? {name: `cp-${index + 1}`, role: 'control-plane', address: `100.64.1.${index + 1}`}
    : {
        name: `worker-${String(index - 2).padStart(2, '0')}`,
        role: 'worker',
        address: `100.64.2.${index}`,
      },
);

export const phaseTitles = [
  ['facts', 'Gather host facts'],
  ['tailscale', 'Tailscale flags'],
  ['routes', 'Approve VIP route'],
  ['containerd', 'Containerd runtime'],
  ['kubeadm-init', 'kubeadm init'],
  ['join', 'Join nodes'],
] as const;

export const phasesFor = (hosts: readonly RunHostInfo[]): RunPhaseInfo[] =>
  phaseTitles.map(([phaseId, title]) => ({
    id: phaseId,
    title,
    hosts: hosts.map((host) => host.name),
    mode: 'parallel',
  }));

export const started = (hosts: readonly RunHostInfo[], at = 0): RunEvent => ({
  type: 'run-started',
  at,
  phases: phasesFor(hosts),
  hosts,
  logPath: '/home/me/.local/state/ha-wizard/runs/2026-11-24T12-00-00.log',
});

/** Every host finishes `phase` (started at `at`, one second each). */
export const phaseDone = (hosts: readonly RunHostInfo[], phase: string, at: number): RunEvent[] => [
  {type: 'phase-started', at, phase},
  ...hosts.flatMap((host): RunEvent[] => [
    {type: 'host-step-started', at, phase, host: host.name},
    {type: 'host-output', at, phase, host: host.name, stream: 'command', line: `$ check ${phase}`},
    {
      type: 'host-step-finished',
      at: at + 1000,
      phase,
      host: host.name,
      status: 'done',
      changed: true,
    },
  ]),
  {type: 'phase-finished', at: at + 1000, phase, status: 'done'},
];

/** Two phases done, containerd running with output on every host. */
export const midRun = (hosts: readonly RunHostInfo[]): RunEvent[] => [
  started(hosts),
  ...phaseDone(hosts, 'facts', 0),
  ...phaseDone(hosts, 'tailscale', 2000),
  {type: 'phase-started', at: 4000, phase: 'containerd'},
  ...hosts.flatMap((host, index): RunEvent[] => [
    {type: 'host-step-started', at: 4000, phase: 'containerd', host: host.name},
    ...Array.from({length: 30}, (_, line): RunEvent => ({
      type: 'host-output',
      at: 4000 + line * 100 + index,
      phase: 'containerd',
      host: host.name,
      stream: 'stdout',
      line: `${host.name} containerd line ${line + 1}`,
    })),
  ]),
];

export const summaryOutcome = (hosts: readonly RunHostInfo[]): RunOutcome => ({
  ok: true,
  changed: true,
  aborted: false,
  summary: {
    clusterName: 'homelab',
    nodes: hosts.map((host) => ({
      name: host.name,
      role: host.role === 'workstation' ? 'worker' : host.role,
      ip: host.address,
    })),
    vip: '10.200.0.1',
    primaryRouter: hosts[0]?.name ?? '',
    kubeconfigPath: '/home/me/.kube/config',
    kubeconfigContext: 'homelab',
    logPath: '/home/me/.local/state/ha-wizard/runs/2026-11-24T12-00-00.log',
  },
});

export const fold = (events: readonly RunEvent[], state: RunState = initialRunState()): RunState =>
  events.reduce(reduceRun, state);
