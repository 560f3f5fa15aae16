// Plain lines for a non-TTY stdout (and the log file): every line starts with
// the host it is about (habit 5; k0sctl's logging), or `ha-wizard` for the
// run as a whole. Reads the same events as the TUI.
import {describeChange} from '../../core/run/changes.js';
import type {RunEvent, RunOutcome, StepFailure} from '../../core/run/events.js';
import type {RunState} from '../../core/run/state.js';

const run = 'ha-wizard';

export const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
};

export const failureLines = (host: string, failure: StepFailure): string[] => [
  ...(failure.command === undefined ? [] : [`${host}:   command: ${failure.command}`]),
  ...(failure.exitCode === undefined || failure.exitCode === null
    ? []
    : [`${host}:   exit code: ${failure.exitCode}`]),
  ...failure.stderrTail.map((line) => `${host}:   | ${line}`),
  ...(failure.suggestion === undefined ? [] : [`${host}:   try: ${failure.suggestion}`]),
];

export const outcomeLines = (outcome: RunOutcome): string[] => {
  const {summary} = outcome;
  const lines: string[] = [];
  if (outcome.aborted) {
    lines.push(`${run}: stopped. Nothing is left half-done on any host that finished its step;`);
    lines.push(
      `${run}: run the same \`ha-wizard apply\` again with --resume to continue where it stopped.`,
    );
  } else if (!outcome.ok) {
    for (const [index, line] of (outcome.error ?? 'the run failed').split('\n').entries())
      lines.push(`${run}: ${index === 0 ? 'FAILED: ' : ''}${line}`);
    lines.push(
      `${run}: fix it and run the same \`ha-wizard apply\` again with --resume; finished steps are checked and skipped.`,
    );
  } else {
    lines.push(
      outcome.changed
        ? `${run}: cluster ${summary.clusterName} is ready.`
        : `${run}: cluster ${summary.clusterName} is ready; nothing needed changing.`,
    );
    for (const node of summary.nodes) lines.push(`${run}:   ${node.name} ${node.role} ${node.ip}`);
    lines.push(
      `${run}: API at https://${summary.vip}:6443${
        summary.primaryRouter === undefined ? '' : ` (routed to ${summary.primaryRouter})`
      }`,
    );
    if (summary.kubeconfigContext !== undefined) {
      lines.push(
        `${run}: kubectl --context ${summary.kubeconfigContext} get nodes   (in ${summary.kubeconfigPath ?? 'your kubeconfig'})`,
      );
    }
  }
  if (summary.logPath !== undefined) lines.push(`${run}: full log: ${summary.logPath}`);
  return lines;
};

export interface FormatOptions {
  /** The log file's form: also the starts of steps and phases. */
  readonly verbose?: boolean;
}

/** The lines one event prints as; host output is left to the log file. */
export const formatEvent = (event: RunEvent, options: FormatOptions = {}): string[] => {
  switch (event.type) {
    case 'run-started':
      return [
        `${run}: ${event.phases.length} phases on ${event.hosts.length} hosts: ${event.phases
          .map((phase) => phase.id)
          .join(', ')}`,
      ];
    case 'phase-started':
      return options.verbose ? [`${run}: phase ${event.phase}`] : [];
    case 'phase-finished':
      return options.verbose ? [`${run}: phase ${event.phase}: ${event.status}`] : [];
    case 'host-step-started':
      return options.verbose ? [`${event.host}: ${event.phase}: started`] : [];
    case 'host-step-finished': {
      const note = event.note === undefined ? '' : ` (${event.note})`;
      if (event.status === 'skipped') return [`${event.host}: ${event.phase}: already done${note}`];
      if (event.status === 'done') return [`${event.host}: ${event.phase}: done${note}`];
      return [
        `${event.host}: ${event.phase}: FAILED: ${event.failure?.message ?? 'failed'}`,
        ...(event.failure ? failureLines(event.host, event.failure) : []),
      ];
    }
    case 'host-output':
      return options.verbose ? [`${event.host}: ${event.phase}: ${event.line}`] : [];
    case 'notice':
      return [
        `${event.host ?? run}: ${event.level === 'warning' ? 'warning: ' : ''}${event.message}`,
      ];
    case 'waiting':
      return [
        `${event.host}: ${event.phase}: waiting: ${event.message}`,
        ...event.links.map((link) => `${event.host}:   ${link}`),
        ...(event.snippet ?? '')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => `${event.host}:   ${line}`),
      ];
    case 'waiting-over':
      return [`${run}: ${event.phase}: done waiting`];
    case 'host-change':
      return options.verbose
        ? [`${event.host}: ${event.phase}: recorded ${describeChange(event.change)}`]
        : [];
    case 'question':
      return [`${event.host}: question: ${event.message}`];
    case 'question-answered':
      return options.verbose
        ? [`${run}: question ${event.id}: ${event.accepted ? 'yes' : 'no'}`]
        : [];
    case 'run-finished':
      return outcomeLines(event);
  }
};

/**
 * Progress for slow steps: one line per host whose step has run for a while,
 * at most every `everyMs`, with its latest output line.
 */
export const progressLines = (
  state: RunState,
  now: number,
  lastPrinted: Map<string, number>,
  everyMs = 15_000,
): string[] => {
  const lines: string[] = [];
  for (const name of state.hostOrder) {
    const host = state.hosts[name];
    if (!host || host.stepStartedAt === undefined) continue;
    const running = now - host.stepStartedAt;
    const last = lastPrinted.get(name) ?? host.stepStartedAt;
    if (running < everyMs || now - last < everyMs) continue;
    lastPrinted.set(name, now);
    const latest = host.lines.at(-1);
    lines.push(
      `${name}: ${host.phase ?? ''}: still running (${formatDuration(running)})${latest ? `: ${latest}` : ''}`,
    );
  }
  return lines;
};
