// `ha-wizard doctor`: the Connection-Refused troubleshooter (DOMAIN.md). With
// --json it looks at every host, changes nothing and prints one report;
// otherwise it is a linear question-and-answer flow that offers each fix and
// applies it only after a yes. The flow itself lives in the engine
// (engine/doctor/session.ts); this file asks the questions and prints.
import type {ControlApiConfig} from '../engine/control/control-api.js';
import {readFile} from 'node:fs/promises';
import {confirm, input, select} from '@inquirer/prompts';
import {InputError} from '../core/errors.js';
import type {CheckResult} from '../core/doctor/check.js';
import {advertisersOf, doctorPlan, kubeconfigApiAddress, peerRef} from '../core/doctor/targets.js';
import {defaults} from '../core/plan/defaults.js';
import type {Access, Plan} from '../core/plan/types.js';
import {discover} from '../engine/discover.js';
import {runDiagnosis, runDoctorSession} from '../engine/doctor/session.js';
import {openHosts} from './open-hosts.js';
import {nameList} from './plan.js';
import {loadPlan, type HostCommandIo} from './shared.js';
import {stateDir} from '../engine/paths.js';
import {readSavedRun, savedRuns} from '../engine/run-store.js';
import {doctorExitCode, doctorJson, resultLines, summaryLine} from './doctor-output.js';
import {questionTheme} from './colour.js';
import {plainStyle} from '../core/style.js';

export interface DoctorOptions {
  readonly plan?: string;
  /** A cluster this wizard saved a run of (the TUI's d after a failed run). */
  readonly cluster?: string;
  readonly json?: boolean;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly sshUser?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly statusFile?: string;
  readonly controlPlane?: string[];
  readonly worker?: string[];
  readonly vip?: string;
  readonly kubeconfig?: string;
  /** Seconds between the two looks at the control-plane containers. */
  readonly sampleSeconds?: number;
  /** The control server's API, key already read: each control plane's approval is checked. */
  readonly controlApi?: ControlApiConfig;
}

const access = (options: DoctorOptions): Access => ({
  user: options.sshUser ?? defaults.sshUser,
  auth: options.identity ? {kind: 'key', keyFile: options.identity} : {kind: 'agent'},
});

const readKubeconfigVip = async (path: string): Promise<string> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `Cannot read the kubeconfig ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  return kubeconfigApiAddress(text, path);
};

/** The hosts from flags: --plan, else --control-plane (and --worker) resolved on the tailnet. */
const planFromFlags = async (
  options: DoctorOptions,
  io: HostCommandIo,
): Promise<Plan | undefined> => {
  if (options.plan !== undefined) return loadPlan(options.plan);
  if (options.cluster !== undefined) {
    const saved = readSavedRun(stateDir(), options.cluster);
    if (!saved) throw new InputError(`There is no saved run of cluster ${options.cluster}.`);
    return saved.plan;
  }
  const named = nameList(options.controlPlane ?? []);
  if (named.length === 0 && options.kubeconfig === undefined) return undefined;
  // The file the user named is checked before the tailnet, so its error comes first.
  const vip =
    options.vip ??
    (options.kubeconfig === undefined ? defaults.vip : await readKubeconfigVip(options.kubeconfig));
  const tailnet = await discover({statusFile: options.statusFile, now: io.now});
  const controlPlanes = named.length > 0 ? named : advertisersOf(tailnet, vip).map(peerRef);
  if (controlPlanes.length === 0)
    throw new InputError(
      `No device on the tailnet advertises ${vip}/32 (approved), so doctor cannot tell the control planes.`,
      'Name them: ha-wizard doctor --control-plane NAME,NAME …',
    );
  return doctorPlan(tailnet, {
    vip,
    controlPlanes,
    workers: nameList(options.worker ?? []),
    access: access(options),
  });
};

/** The interactive way to the hosts: a plan folder, a kubeconfig, or names typed in. */
const askForPlan = async (options: DoctorOptions, io: HostCommandIo): Promise<Plan> => {
  const saved = savedRuns(stateDir());
  const theme = questionTheme(io.style?.out ?? plainStyle);
  const source = await select<string>({
    theme,
    message: 'Which cluster should doctor look at?',
    choices: [
      // The clusters this wizard built (or started to) come first: their plan says it all.
      ...saved.map((run) => ({
        name: `${run.clusterName}, built by ha-wizard (${run.plan.nodes.length} nodes, VIP ${run.plan.network.vip})`,
        value: `saved:${run.clusterName}`,
      })),
      {name: 'Type the control-plane hosts', value: 'names'},
      {name: 'A kubeconfig (its server is the VIP) plus tailscale status', value: 'kubeconfig'},
      {name: 'A plan folder written by ha-wizard plan --out', value: 'plan'},
    ],
  });
  const chosen = saved.find((run) => `saved:${run.clusterName}` === source);
  if (chosen) return chosen.plan;
  if (source === 'plan') {
    const dir = await input({theme, message: 'Plan folder:', required: true});
    return loadPlan(dir.trim());
  }
  if (source === 'kubeconfig') {
    const path = await input({
      theme,
      message: 'Kubeconfig:',
      default: process.env['KUBECONFIG'] ?? `${process.env['HOME'] ?? ''}/.kube/config`,
    });
    return (await planFromFlags({...options, kubeconfig: path.trim()}, io)) as Plan;
  }
  const cps = await input({
    theme,
    message: 'Control-plane hosts (comma-separated host names or Tailscale IPs):',
    required: true,
  });
  const workers = await input({theme, message: 'Workers (optional, comma-separated):'});
  const vip = await input({theme, message: 'VIP:', default: options.vip ?? defaults.vip});
  const user = await input({
    theme,
    message: 'SSH user:',
    default: options.sshUser ?? defaults.sshUser,
  });
  return (await planFromFlags(
    {...options, controlPlane: [cps], worker: [workers], vip: vip.trim(), sshUser: user.trim()},
    io,
  )) as Plan;
};

// Hosts are looked at in parallel; their host-key questions must not overlap on the terminal.
const oneAtATime = () => {
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  };
};

export const runDoctor = async (options: DoctorOptions, io: HostCommandIo): Promise<number> => {
  if (options.json !== true && !io.interactive)
    throw new InputError(
      'doctor asks questions and needs a terminal.',
      'Use ha-wizard doctor --json --plan DIR (or --control-plane NAMES) for a report without questions.',
    );
  let fromFlags = await planFromFlags(options, io);
  if (fromFlags === undefined && options.json === true) {
    // Without flags, the one cluster this wizard built is the one meant.
    const saved = savedRuns(stateDir());
    if (saved.length !== 1)
      throw new InputError(
        `doctor --json needs the hosts: --plan DIR, --control-plane NAMES or --kubeconfig FILE${saved.length > 1 ? ` (this wizard has built ${saved.map((run) => run.clusterName).join(', ')}; which one?)` : ''}.`,
      );
    fromFlags = saved[0]?.plan;
  }
  const plan = fromFlags ?? (await askForPlan(options, io));
  const serial = oneAtATime();
  const hosts = await openHosts(plan, options, (message) =>
    options.json === true
      ? Promise.resolve(false)
      : serial(() =>
          confirm({theme: questionTheme(io.style?.out ?? plainStyle), message, default: false}),
        ),
  );
  const collect = {
    hostFor: hosts.hostFor,
    signal: io.signal,
    ...(options.sampleSeconds === undefined ? {} : {sampleSeconds: options.sampleSeconds}),
    ...(options.controlApi ? {controlApi: options.controlApi} : {}),
  };
  try {
    if (options.json === true) {
      const diagnosis = await runDiagnosis(plan, collect);
      io.stdout(doctorJson(diagnosis));
      return doctorExitCode(diagnosis);
    }
    const print = (lines: readonly string[]) => lines.forEach((line) => io.stdout(line));
    const style = io.style?.out ?? plainStyle;
    const diagnosis = await runDoctorSession(plan, collect, {
      looking: (again) =>
        io.stdout(
          again
            ? style.dim('Looking again…')
            : style.dim(
                `Looking at ${plan.nodes.map((node) => node.name).join(', ')} (VIP ${plan.network.vip})…`,
              ),
        ),
      show: (result: CheckResult, recheck) => print(resultLines(result, recheck, style)),
      confirmFix: (result) =>
        serial(() =>
          confirm({
            theme: questionTheme(style),
            message: `Apply this fix on ${result.host} now?`,
            default: false,
          }),
        ),
      applying: (result) => io.stdout(style.dim(`    applying on ${result.host}…`)),
      fixFailed: (result, message) =>
        io.stdout(style.error(`    ✗ the fix failed on ${result.host}: ${message}`)),
    });
    for (const host of diagnosis.evidence.hosts.filter((entry) => entry.unreachable))
      io.stdout(style.warning(`? ${host.host} could not be reached: ${host.unreachable ?? ''}`));
    io.stdout(summaryLine(diagnosis.results, style));
    return doctorExitCode(diagnosis);
  } finally {
    await hosts.close();
  }
};
