// Plain lines for a non-TTY stdout (and the log file): every line starts with
// the host it is about (habit 5; k0sctl's logging), or `ha-wizard` for the
// run as a whole. Reads the same events as the TUI.
import {describeChange} from '../../core/run/changes.js';
import type {RunEvent, RunOutcome, StepFailure} from '../../core/run/events.js';
import type {RunState} from '../../core/run/state.js';
import {plainStyle, type Style} from '../../core/style.js';

const run = 'ha-wizard';

export const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
};

export const failureLines = (
  host: string,
  failure: StepFailure,
  style: Style = plainStyle,
): string[] => {
  const who = style.bold(host);
  return [
    ...(failure.command === undefined
      ? []
      : [`${who}:   ${style.dim(`command: ${failure.command}`)}`]),
    ...(failure.exitCode === undefined || failure.exitCode === null
      ? []
      : [`${who}:   ${style.dim(`exit code: ${failure.exitCode}`)}`]),
    ...failure.stderrTail.map((line) => `${who}:   ${style.dim(`| ${line}`)}`),
    ...(failure.suggestion === undefined
      ? []
      : [`${who}:   ${style.warning(`try: ${failure.suggestion}`)}`]),
  ];
};

export const outcomeLines = (outcome: RunOutcome, style: Style = plainStyle): string[] => {
  const {summary} = outcome;
  const me = style.bold(run);
  const lines: string[] = [];
  if (outcome.aborted) {
    lines.push(
      `${me}: ${style.warning('stopped.')} Nothing is left half-done on any host that finished its step;`,
    );
    lines.push(
      `${me}: run the same \`ha-wizard apply\` again with --resume to continue where it stopped.`,
    );
  } else if (!outcome.ok) {
    for (const [index, line] of (outcome.error ?? 'the run failed').split('\n').entries())
      lines.push(`${me}: ${index === 0 ? style.error(`FAILED: ${line}`) : line}`);
    lines.push(
      `${me}: fix it and run the same \`ha-wizard apply\` again with --resume; finished steps are checked and skipped.`,
    );
  } else {
    const name = style.bold(summary.clusterName);
    lines.push(
      style.ok(
        outcome.changed
          ? `${me}: cluster ${name} is ready.`
          : `${me}: cluster ${name} is ready; nothing needed changing.`,
      ),
    );
    for (const node of summary.nodes)
      lines.push(`${me}:   ${style.bold(node.name)} ${node.role} ${style.dim(node.ip)}`);
    lines.push(
      `${me}: API at https://${summary.apiEndpoint ?? `${summary.vip}:6443`}${
        summary.primaryRouter === undefined
          ? ''
          : ` (${summary.lanEndpoint ? 'VIP held by' : 'routed to'} ${summary.primaryRouter})`
      }`,
    );
    if (summary.kubeconfigContext !== undefined) {
      lines.push(
        `${me}: kubectl --context ${summary.kubeconfigContext} get nodes   ${style.dim(`(in ${summary.kubeconfigPath ?? 'your kubeconfig'})`)}`,
      );
    }
  }
  if (summary.logPath !== undefined)
    lines.push(`${me}: ${style.dim(`full log: ${summary.logPath}`)}`);
  return lines;
};

export interface FormatOptions {
  /** The log file's form: also the starts of steps and phases. */
  readonly verbose?: boolean;
  /** Colour on a terminal; plain (the default) for pipes and the log file. */
  readonly style?: Style;
}

/** The lines one event prints as; host output is left to the log file. */
export const formatEvent = (event: RunEvent, options: FormatOptions = {}): string[] => {
  const style = options.style ?? plainStyle;
  const run = style.bold('ha-wizard');
  const who = (host: string) => style.bold(host);
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
      return options.verbose ? [`${who(event.host)}: ${event.phase}: started`] : [];
    case 'host-step-finished': {
      const note = event.note === undefined ? '' : ` (${event.note})`;
      if (event.status === 'skipped')
        return [`${who(event.host)}: ${event.phase}: ${style.dim(`already done${note}`)}`];
      if (event.status === 'done')
        return [`${who(event.host)}: ${event.phase}: ${style.ok('done')}${style.dim(note)}`];
      return [
        `${who(event.host)}: ${event.phase}: ${style.error(`FAILED: ${event.failure?.message ?? 'failed'}`)}`,
        ...(event.failure ? failureLines(event.host, event.failure, style) : []),
      ];
    }
    case 'host-output':
      return options.verbose ? [`${who(event.host)}: ${event.phase}: ${event.line}`] : [];
    case 'notice':
      return [
        `${event.host === undefined ? run : who(event.host)}: ${event.level === 'warning' ? style.warning(`warning: ${event.message}`) : event.message}`,
      ];
    case 'waiting':
      return [
        `${who(event.host)}: ${event.phase}: ${style.warning(`waiting: ${event.message}`)}`,
        ...event.links.map((link) => `${who(event.host)}:   ${link}`),
        ...(event.snippet ?? '')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => `${who(event.host)}:   ${style.dim(line)}`),
      ];
    case 'waiting-over':
      return [`${run}: ${event.phase}: ${style.ok('done waiting')}`];
    case 'host-change':
      return options.verbose
        ? [`${who(event.host)}: ${event.phase}: recorded ${describeChange(event.change)}`]
        : [];
    case 'question':
      return [`${who(event.host)}: ${style.warning(`question: ${event.message}`)}`];
    case 'question-answered':
      return options.verbose
        ? [`${run}: question ${event.id}: ${event.accepted ? 'yes' : 'no'}`]
        : [];
    case 'run-finished':
      return outcomeLines(event, style);
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
  style: Style = plainStyle,
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
      `${style.bold(name)}: ${host.phase ?? ''}: still running (${formatDuration(running)})${latest ? style.dim(`: ${latest}`) : ''}`,
    );
  }
  return lines;
};
