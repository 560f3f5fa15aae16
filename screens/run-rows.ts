// The Run screen's body as a list of one-line rows, computed without Ink: every
// block (the bar, a waiting notice, a question, a failure, the summary, the
// host panes) knows its height before it is drawn, so however many hosts and
// however long their output, the frame is exactly the terminal's size and only
// the visible rows are built (habit 10: a frame's cost does not grow with the log).
import type {Plan} from '../source/core/plan/types.js';
import type {HostState, RunState} from '../source/core/run/state.js';
import {phaseProgress} from '../source/core/run/state.js';
import {windowAround} from './components/scroll.js';
import {plural, wrapWords} from './components/text.js';
import type {RunViewState} from './run-view-state.js';
import {symbols} from './theme.js';

export type Tone = 'plain' | 'dim' | 'ok' | 'error' | 'warning' | 'accent' | 'bold' | 'cursor';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
}

export type Row = readonly Segment[];

export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
export const waitingSymbol = '⏸';
export const questionSymbol = '?';
const pendingSymbol = '·';
const barDone = '█';
const barLeft = '░';

export interface RunLayoutInput {
  readonly state: RunState;
  readonly plan: Plan;
  readonly view: RunViewState;
  readonly columns: number;
  /** Rows of the body (between header and footer). */
  readonly rows: number;
  /** Which spinner frame to draw. @default 0 */
  readonly spin?: number;
  /** A wall clock in the engine's time base, so elapsed time moves while a host is silent. */
  readonly clock?: number;
  /** The in-memory demo run: said on every frame, so nobody mistakes it for a real one. */
  readonly simulated?: boolean;
}

export interface RunLayout {
  readonly rows: readonly Row[];
  /** The expanded log's largest first line (lines − viewport), for scrolling. */
  readonly logMax: number;
  /** The expanded log's viewport height. */
  readonly logViewport: number;
}

/** 0:07, 12:34, 1:02:03 */
export const formatElapsed = (ms: number): string => {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
};

const fit = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);

/** Cuts `text` into lines of at most `width` characters, keeping every character (links, snippets). */
const hardWrap = (text: string, width: number): string[] => {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) lines.push('');
    for (let start = 0; start < line.length; start += limit)
      lines.push(line.slice(start, start + limit));
  }
  return lines;
};

const isFinished = (state: RunState) => state.outcome !== undefined;

export const hostElapsed = (host: HostState, state: RunState, clock?: number): number =>
  host.stepStartedAt === undefined
    ? host.elapsedMs
    : host.finishedMs + Math.max(0, Math.max(state.now, clock ?? 0) - host.stepStartedAt);

/** The host-key question open for `host`, if any: its pane shows that, not the command waiting on it. */
const openQuestion = (state: RunState, host: HostState) =>
  state.questions.find((question) => question.host === host.name);

/**
 * While a host-key question waits, the host's first command has been written
 * to its pane but has not run (the connection waits for the answer): the pane
 * shows the question instead, so nobody reads that command as what is going on.
 */
const questionText = (state: RunState, host: HostState, compact: boolean): string | undefined => {
  const question = openQuestion(state, host);
  if (!question) return undefined;
  // One line per host leaves no room for a fingerprint: the question above has it whole.
  return compact
    ? 'trust host key? y/n (above)'
    : `host key ${question.fingerprint ?? 'not known yet'}: trust it? y/n`;
};

const statusCell = (host: HostState, spin: number, asking = false): Segment => {
  if (asking) return {text: questionSymbol, tone: 'warning'};
  switch (host.status) {
    case 'pending':
      return {text: pendingSymbol, tone: 'dim'};
    case 'running':
      return {text: spinnerFrames[spin % spinnerFrames.length] ?? '-', tone: 'accent'};
    case 'waiting':
      return {text: waitingSymbol, tone: 'warning'};
    case 'done':
      return {text: symbols.ok, tone: 'ok'};
    case 'failed':
      return {text: symbols.error, tone: 'error'};
  }
};

const roleLabel = (role: HostState['role']): string =>
  role === 'control-plane' ? 'control plane' : role;

interface Columns {
  readonly name: number;
  readonly role: number;
  readonly phase: number;
}

const phaseTitle = (state: RunState, id: string | undefined): string =>
  id === undefined ? '' : (state.phases.find((phase) => phase.id === id)?.title ?? id);

const hostPhaseText = (host: HostState, state: RunState): string => {
  if (host.status === 'pending') return host.phase === undefined ? 'waiting to start' : '';
  if (host.status === 'done' && isFinished(state)) return host.changed ? 'done' : 'no changes';
  return phaseTitle(state, host.phase);
};

const hostLine = (
  host: HostState,
  input: RunLayoutInput,
  columns: Columns,
  selected: boolean,
  withLast: boolean,
): Row => {
  const {state, spin = 0, clock} = input;
  const head: Segment[] = [
    selected ? {text: `${symbols.pointer} `, tone: 'cursor'} : {text: '  '},
    statusCell(host, spin, openQuestion(state, host) !== undefined),
    {text: ' '},
    {text: fit(host.name, columns.name), tone: selected ? 'cursor' : 'bold'},
    {text: '  '},
    {text: fit(roleLabel(host.role), columns.role), tone: 'dim'},
    {text: '  '},
    {
      text: fit(hostPhaseText(host, state), columns.phase),
      tone: host.status === 'failed' ? 'error' : 'plain',
    },
    {
      text: ` ${formatElapsed(hostElapsed(host, state, clock)).padStart(withLast ? 5 : 7)}`,
      tone: 'dim',
    },
  ];
  const asking = questionText(state, host, true);
  const last = host.lines.at(-1);
  if (withLast && asking !== undefined) head.push({text: `  ${asking}`, tone: 'warning'});
  else if (withLast && last !== undefined) head.push({text: `  ${last}`, tone: 'dim'});
  return head;
};

const columnsFor = (state: RunState, width: number, compact: boolean): Columns => {
  const longest = Math.max(4, ...state.hostOrder.map((name) => name.length));
  const name = Math.min(longest, 18);
  const role = 13;
  // pointer 2, status 2, gaps 2+2, elapsed 8; compact rows keep room for the last output line.
  const phase = Math.max(8, Math.min(compact ? 18 : 26, width - (2 + 2 + name + 2 + role + 2 + 8)));
  return {name, role, phase};
};

const barRow = (input: RunLayoutInput): Row => {
  const {state, plan, columns, clock} = input;
  const {done, total} = phaseProgress(state);
  const running = state.phases.filter((phase) => phase.status === 'running');
  const failed = state.phases.some((phase) => phase.status === 'failed');
  const elapsed =
    state.startedAt === undefined
      ? 0
      : Math.max(state.now, isFinished(state) ? 0 : (clock ?? 0)) - state.startedAt;
  const label = `Phases ${done}/${total} `;
  const tail = `  ${formatElapsed(elapsed)}`;
  const width = Math.max(10, Math.min(30, columns - label.length - tail.length - 30));
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  const what = state.outcome
    ? state.outcome.ok
      ? `${plan.clusterName}: done`
      : state.outcome.aborted
        ? 'stopped'
        : 'failed'
    : running.length > 0
      ? running.map((phase) => phase.title).join(', ')
      : state.startedAt === undefined
        ? 'starting…'
        : '';
  return [
    {text: label, tone: 'bold'},
    {text: barDone.repeat(filled), tone: failed ? 'error' : 'ok'},
    {text: barLeft.repeat(width - filled), tone: 'dim'},
    {text: '  '},
    {text: fit(what, Math.max(1, columns - label.length - width - 2 - tail.length)), tone: 'bold'},
    {text: tail, tone: 'dim'},
  ];
};

const indent = (lines: readonly string[], tone: Tone, prefix = '  '): Row[] =>
  lines.map((line) => [{text: `${prefix}${line}`, tone}]);

const waitingRows = (input: RunLayoutInput, budget: number): Row[] => {
  const waiting = input.state.waiting;
  if (!waiting) return [];
  const width = input.columns - 2;
  const rows: Row[] = wrapWords(`${waiting.host}: ${waiting.message}`, width).map((line, index) => [
    {text: index === 0 ? `${waitingSymbol} ` : '  ', tone: 'warning'},
    {text: line, tone: 'warning'},
  ]);
  for (const link of waiting.links) rows.push(...indent(hardWrap(link, width), 'accent'));
  if (waiting.snippet !== undefined) {
    rows.push([{text: '  Or add this to the tailnet policy file:', tone: 'dim'}]);
    rows.push(...indent(hardWrap(waiting.snippet, width - 2), 'plain', '  │ '));
  }
  rows.push([{text: '  The run goes on by itself once that is done.', tone: 'dim'}]);
  return capRows(rows, budget);
};

/**
 * Warnings a phase raised without failing (a version skew, a relayed path):
 * the newest few, each on its own wrapped lines, so they stay in view until
 * the run ends; the run log keeps them all.
 */
const noticeRows = (input: RunLayoutInput, budget: number): Row[] => {
  const warnings = input.state.notices.filter((notice) => notice.level === 'warning');
  if (warnings.length === 0 || budget <= 0) return [];
  const width = input.columns - 2;
  const shown = warnings.slice(-3);
  const rows: Row[] = shown.flatMap((notice) =>
    wrapWords(
      notice.host === undefined ? notice.message : `${notice.host}: ${notice.message}`,
      width,
    ).map((line, index): Row => [
      {text: index === 0 ? `${symbols.warning} ` : '  ', tone: 'warning'},
      {text: line, tone: 'warning'},
    ]),
  );
  if (warnings.length > shown.length)
    rows.push([
      {
        text: `  (${plural(warnings.length - shown.length, 'earlier warning')} in the log)`,
        tone: 'dim',
      },
    ]);
  return capRows(rows, budget);
};

const capRows = (rows: Row[], budget: number): Row[] => {
  if (rows.length <= budget) return rows;
  const kept = rows.slice(0, Math.max(0, budget - 1));
  kept.push([{text: `  … ${plural(rows.length - kept.length, 'more line')}`, tone: 'dim'}]);
  return kept;
};

const questionRows = (input: RunLayoutInput): Row[] => {
  const [question, ...more] = input.state.questions;
  if (!question) return [];
  const width = input.columns - 2;
  const rows: Row[] = [
    [
      {text: `${questionSymbol} `, tone: 'warning'},
      {text: `${question.host}: SSH host key not known yet`, tone: 'bold'},
      more.length > 0 ? {text: `  (+${more.length} more)`, tone: 'dim'} : {text: ''},
    ],
  ];
  if (question.fingerprint !== undefined)
    rows.push(...indent(hardWrap(question.fingerprint, width), 'accent'));
  else rows.push(...indent(wrapWords(question.message, width), 'plain'));
  rows.push([
    {
      text: '  Compare: `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host.',
      tone: 'dim',
    },
  ]);
  rows.push([
    {text: '  Trust this key and connect? '},
    {text: 'y', tone: 'bold'},
    {text: ' yes  '},
    {text: 'n', tone: 'bold'},
    {text: ' no (no connection to it)'},
  ]);
  return rows;
};

const failedHost = (input: RunLayoutInput): HostState | undefined => {
  const {state, view} = input;
  const selected = state.hosts[state.hostOrder[view.selected] ?? ''];
  if (selected?.failure) return selected;
  return state.hostOrder.map((name) => state.hosts[name]).find((host) => host?.failure);
};

const failureRows = (input: RunLayoutInput, budget: number): Row[] => {
  const host = failedHost(input);
  const failure = host?.failure;
  if (!host || !failure) return [];
  const width = input.columns - 2;
  const failedCount = input.state.hostOrder.filter(
    (name) => input.state.hosts[name]?.failure,
  ).length;
  const rows: Row[] = wrapWords(
    `${phaseTitle(input.state, failure.phase)} failed on ${host.name}: ${failure.message}`,
    width,
  ).map((line, index) => [
    {text: index === 0 ? `${symbols.error} ` : '  ', tone: 'error'},
    {text: line, tone: 'error'},
  ]);
  if (failure.command !== undefined) {
    rows.push([
      {text: '  $ ', tone: 'dim'},
      {text: failure.command},
      failure.exitCode === undefined
        ? {text: ''}
        : {
            text:
              failure.exitCode === null ? '  (killed by a signal)' : `  exit ${failure.exitCode}`,
            tone: 'error',
          },
    ]);
  }
  const suggestion =
    failure.suggestion === undefined
      ? []
      : wrapWords(`Try: ${failure.suggestion}`, width).map((line): Row => [
          {text: `  ${line}`, tone: 'warning'},
        ]);
  const others =
    failedCount > 1
      ? [[{text: `  (${failedCount - 1} more failed: ↑↓ selects them)`, tone: 'dim'}] as Row]
      : [];
  const tailBudget = Math.max(1, budget - rows.length - suggestion.length - others.length);
  const tail = failure.stderrTail.slice(-tailBudget);
  rows.push(...indent(tail, 'dim', '  │ '));
  return capRows([...rows, ...suggestion, ...others], budget);
};

// `apply` refuses a demo plan, so the demo's hint names only the way that works.
const demoRerunHint =
  'To re-run: Esc, then r on Review; the demo hosts keep what this run did, and finished steps are skipped.';
const rerunHint =
  'What was done is saved. To go on: start ha-wizard again and choose Resume (or `ha-wizard apply DIR --resume` on a written plan); finished steps are checked and skipped.';

const endRows = (input: RunLayoutInput, budget: number): Row[] => {
  const {state, plan, columns} = input;
  const outcome = state.outcome;
  if (!outcome) return [];
  const width = columns - 2;
  const summary = outcome.summary;
  const logPath = summary.logPath ?? state.logPath;
  const labelled = (label: string, text: string, tone: Tone = 'plain'): Row[] =>
    wrapWords(text, width - 18).map((line, index) => [
      {text: `  ${index === 0 ? label.padEnd(16) : ''.padEnd(16)}`, tone: 'dim'},
      {text: line, tone},
    ]);
  const log = logPath === undefined ? [] : labelled('Log', logPath);
  if (!outcome.ok) {
    const rows: Row[] = outcome.aborted
      ? [
          [
            {text: `${symbols.warning} `, tone: 'warning'},
            {text: 'Stopped before the run finished.', tone: 'warning'},
          ],
        ]
      : failedHost(input)
        ? []
        : wrapWords(outcome.error ?? 'The run failed.', width).map((line, index) => [
            {text: index === 0 ? `${symbols.error} ` : '  ', tone: 'error'},
            {text: line, tone: 'error'},
          ]);
    rows.push(
      ...indent(wrapWords(input.simulated ? demoRerunHint : rerunHint, width), 'plain'),
      ...log,
    );
    return capRows(rows, budget);
  }
  const nodes = summary.nodes.length > 0 ? summary.nodes : plan.nodes;
  const list = (role: string) =>
    nodes
      .filter((node) => node.role === role)
      .map((node) => `${node.name} ${node.ip}${node.name === summary.primaryRouter ? ' ★' : ''}`)
      .join(', ');
  const controlPlanes = nodes.filter((node) => node.role === 'control-plane').length;
  const workers = nodes.length - controlPlanes;
  const context = summary.kubeconfigContext;
  const rows: Row[] = [
    [
      {text: `${symbols.ok} `, tone: 'ok'},
      {
        text: `Cluster ${summary.clusterName || plan.clusterName} is up: ${plural(controlPlanes, 'control plane')}, ${plural(workers, 'worker')}${outcome.changed ? '' : ' (nothing needed changing)'}.`,
        tone: 'ok',
      },
    ],
    ...labelled('Control planes', list('control-plane') || 'none').slice(0, 3),
    ...(workers > 0 ? labelled('Workers', list('worker')).slice(0, 3) : []),
    ...labelled(
      'VIP',
      `${summary.vip}${summary.primaryRouter === undefined ? '' : ` — ${summary.lanEndpoint ? 'held by' : 'primary router'} ${summary.primaryRouter} ★`}`,
    ),
    ...(context === undefined
      ? []
      : [
          ...labelled('kubectl', `kubectl --context ${context} get nodes`, 'accent'),
          ...labelled(
            'kubeconfig',
            `context ${context} in ${summary.kubeconfigPath ?? '~/.kube/config'}${input.simulated ? ' (demo memory)' : ''}`,
          ),
        ]),
    ...log,
  ];
  return capRows(rows, budget);
};

const hostRows = (input: RunLayoutInput, budget: number): Row[] => {
  const {state, view, columns} = input;
  const hosts = state.hostOrder.flatMap((name) => {
    const host = state.hosts[name];
    return host ? [host] : [];
  });
  if (hosts.length === 0 || budget <= 0) return [];
  // Roomy: a header and at least two output lines per host. Otherwise one line
  // per host with its last output line beside it, in a window around the selection.
  const perHost = Math.floor(budget / hosts.length);
  const roomy = perHost >= 3;
  const cols = columnsFor(state, columns, !roomy);
  if (roomy) {
    const output = Math.min(perHost - 1, 6);
    return hosts.flatMap((host, index) => {
      const asking = questionText(state, host, false);
      const lines = asking === undefined ? host.lines.slice(-output) : [];
      return [
        hostLine(host, input, cols, index === view.selected, false),
        ...(asking === undefined ? [] : [[{text: `      ${asking}`, tone: 'warning'}] as Row]),
        ...lines.map((line): Row => [{text: `      ${line}`, tone: 'dim'}]),
        ...Array.from(
          {length: output - lines.length - (asking === undefined ? 0 : 1)},
          (): Row => [],
        ),
      ];
    });
  }
  // When not all fit, the last row says where the window is.
  const overflow = hosts.length > budget;
  const window = windowAround(view.selected, hosts.length, overflow ? budget - 1 : budget);
  const rows = hosts
    .slice(window.start, window.end)
    .map((host, offset) =>
      hostLine(host, input, cols, window.start + offset === view.selected, true),
    );
  if (overflow)
    rows.push([
      {text: `  hosts ${window.start + 1}–${window.end} of ${hosts.length}`, tone: 'dim'},
    ]);
  return rows;
};

const expandedRows = (
  input: RunLayoutInput,
  budget: number,
): {rows: Row[]; logMax: number; logViewport: number} => {
  const {state, view, columns} = input;
  const host = state.hosts[state.hostOrder[view.selected] ?? ''];
  if (!host) return {rows: [], logMax: 0, logViewport: 1};
  const cols = columnsFor(state, columns, false);
  const viewport = Math.max(1, budget - 2);
  const max = Math.max(0, host.lines.length - viewport);
  const start = Math.min(view.scroll ?? max, max);
  const visible = host.lines.slice(start, start + viewport);
  const position =
    host.lines.length === 0
      ? 'no output yet'
      : `lines ${start + 1}–${start + visible.length} of ${host.lines.length} (the last ${state.maxLines} are kept; the run log has all)${view.scroll === undefined ? ' · following' : ''}`;
  return {
    rows: [
      hostLine(host, input, cols, true, false),
      ...visible.map((line): Row => [{text: `  ${line}`}]),
      ...Array.from({length: viewport - visible.length}, (): Row => []),
      [{text: `  ${position}`, tone: 'dim'}],
    ],
    logMax: max,
    logViewport: viewport,
  };
};

export const demoBanner =
  'demo: simulated run on made-up hosts, in memory; nothing leaves this machine';

/** The body, at most `rows` rows: bar, the block that needs the user, then the hosts. */
export const runLayout = (input: RunLayoutInput): RunLayout => {
  const {rows: height} = input;
  const rows: Row[] = [barRow(input)];
  if (input.simulated)
    rows.push([
      {text: `${symbols.warning} `, tone: 'accent'},
      {text: fit(demoBanner, Math.max(1, input.columns - 2)), tone: 'accent'},
    ]);
  if (input.view.stopping && !input.state.outcome)
    rows.push([
      {text: `${symbols.warning} `, tone: 'warning'},
      {text: 'Stopping safely: the steps in progress finish, nothing new starts…', tone: 'warning'},
    ]);
  rows.push([]);
  // Leave the hosts at least a few rows whatever the blocks above need.
  const hostMinimum = Math.min(input.state.hostOrder.length + 1, 4);
  const blockBudget = Math.max(2, height - rows.length - hostMinimum - 1);
  const blocks: Row[] = [
    ...questionRows(input),
    ...waitingRows(input, Math.max(2, blockBudget - questionRows(input).length)),
  ];
  const failure = failureRows(input, Math.max(2, blockBudget - blocks.length));
  blocks.push(...failure);
  blocks.push(...endRows(input, Math.max(1, blockBudget - blocks.length)));
  // Notices yield to everything that needs the user: they take only what is left.
  blocks.push(...noticeRows(input, Math.min(4, blockBudget - blocks.length)));
  if (blocks.length > 0) rows.push(...blocks.slice(0, blockBudget), []);
  const budget = Math.max(0, height - rows.length);
  if (input.view.expanded) {
    const expanded = expandedRows(input, budget);
    return {
      rows: [...rows, ...expanded.rows].slice(0, height),
      logMax: expanded.logMax,
      logViewport: expanded.logViewport,
    };
  }
  return {rows: [...rows, ...hostRows(input, budget)].slice(0, height), logMax: 0, logViewport: 1};
};
