import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {RunScreen, type RunScreenProps} from '../../screens/run.js';
import {initialRunViewState, runViewReducer} from '../../screens/run-view-state.js';
import type {RunEvent} from '../../source/core/run/events.js';
import type {RunState} from '../../source/core/run/state.js';
import {ARROW_DOWN, ARROW_UP, CTRL_C, ENTER, ESC, expectFits, lineOf, render} from './harness.js';
import {
  demoPlan,
  fold,
  midRun,
  phaseDone,
  started,
  summaryOutcome,
  threeHosts,
  twentyHosts,
} from './run-fixtures.js';

afterEach(() => cleanup());

const props = (state: RunState, overrides: Partial<RunScreenProps> = {}): RunScreenProps => ({
  size: {columns: 80, rows: 24},
  state,
  plan: demoPlan,
  isActive: true,
  onAnswer: () => {},
  onAbort: () => {},
  onQuit: () => {},
  ...overrides,
});

const show = (state: RunState, overrides: Partial<RunScreenProps> = {}) =>
  render(<RunScreen {...props(state, overrides)} />);

describe('Run screen: panes', () => {
  test('3 hosts: one pane each with status, phase, elapsed time and the last lines; the phase bar', async () => {
    const screen = await show(fold(midRun(threeHosts)));
    expectFits(screen);
    const frame = screen.frame();
    expect(frame).toContain('ha-wizard  Run   Discover › Roles › Network › Access › Review › Run');
    expect(frame).toMatch(/Phases 2\/6 █+░+ {2}Containerd runtime +0:06/);
    expect(frame).toMatch(/› ⠋ rpi4-a {2}control plane {2}Containerd runtime +0:04/);
    expect(frame).toMatch(/ {2}⠋ nuc {5}worker {9}Containerd runtime +0:04/);
    // The last lines of each host, newest last; older ones are off the pane.
    expect(frame).toContain('rpi4-b containerd line 30');
    expect(frame).toContain('nuc containerd line 26');
    expect(frame).not.toContain('nuc containerd line 25');
    expect(lineOf(screen, 'nuc containerd line 30')).toBeGreaterThan(lineOf(screen, '⠋ nuc'));
    expect(screen.lines().at(-1)).toBe('↑↓ host  Enter full log  Ctrl-C stop safely');
  });

  test('hosts done show ✓, a pending host ·, and the bar counts finished phases', async () => {
    const events: RunEvent[] = [
      started(threeHosts),
      ...phaseDone(threeHosts.slice(0, 2), 'facts', 0),
    ];
    const screen = await show(fold(events));
    expect(screen.frame()).toMatch(/✓ rpi4-a {2}control plane {2}Gather host facts +0:01/);
    expect(screen.frame()).toMatch(/· nuc {5}worker {9}waiting to start +0:00/);
    expect(screen.frame()).toContain('Phases 1/6');
  });

  test('20 hosts: one line per host with its last output, in a window that follows the selection', async () => {
    const screen = await show(fold(midRun(twentyHosts)));
    expectFits(screen);
    expect(screen.frame()).toMatch(
      /› ⠋ cp-1 +control plane {2}Containerd runtime +0:04 {2}cp-1 contai/,
    );
    expect(screen.frame()).toContain('hosts 1–17 of 20');
    expect(screen.frame()).not.toContain('worker-17');
    for (let step = 0; step < 19; step++) await screen.press(ARROW_DOWN);
    expectFits(screen);
    expect(screen.frame()).toMatch(/› ⠋ worker-17/);
    expect(screen.frame()).toContain('hosts 4–20 of 20');
    expect(screen.frame()).not.toMatch(/cp-1 /);
  });
});

describe('Run screen: the full log', () => {
  test('Enter expands the selected host to its recent log, scrollable; Esc collapses', async () => {
    const screen = await show(fold(midRun(threeHosts)));
    await screen.press(ARROW_DOWN, ENTER);
    expectFits(screen);
    let frame = screen.frame();
    expect(frame).toMatch(/› ⠋ rpi4-b/);
    expect(frame).not.toContain('rpi4-a');
    expect(frame).toContain('rpi4-b containerd line 30');
    expect(frame).toContain('rpi4-b containerd line 15');
    expect(frame).toContain('lines 17–32 of 32');
    expect(frame).toContain('following');
    expect(screen.lines().at(-1)).toBe(
      '↑↓ PgUp/PgDn scroll  End follow  Esc collapse  Ctrl-C stop safely',
    );
    await screen.press(ARROW_UP, ARROW_UP);
    frame = screen.frame();
    expect(frame).toContain('lines 15–30 of 32');
    expect(frame).not.toContain('following');
    expect(frame).not.toContain('rpi4-b containerd line 30');
    await screen.press(ESC);
    frame = screen.frame();
    expect(frame).toContain('rpi4-a');
    expect(frame).toContain('Enter full log');
  });
});

describe('Run screen: the user is needed', () => {
  test('waiting for route approval shows the message, the link and the snippet', async () => {
    const events: RunEvent[] = [
      ...midRun(threeHosts).slice(0, 1 + 2 * (2 + 3 * 3)),
      {type: 'phase-started', at: 4000, phase: 'routes'},
      {type: 'host-step-started', at: 4000, phase: 'routes', host: 'rpi4-a'},
      {
        type: 'waiting',
        at: 4100,
        phase: 'routes',
        host: 'rpi4-a',
        message: 'Approve the route 10.200.0.1/32 in the Tailscale admin console.',
        links: ['https://login.tailscale.com/admin/machines'],
        snippet: '"autoApprovers": {\n  "routes": {"10.200.0.1/32": ["tag:k8s"]}\n}',
      },
    ];
    const screen = await show(fold(events));
    expectFits(screen);
    const frame = screen.frame();
    expect(frame).toContain(
      '⏸ rpi4-a: Approve the route 10.200.0.1/32 in the Tailscale admin console.',
    );
    expect(frame).toContain('  https://login.tailscale.com/admin/machines');
    expect(frame).toContain('│ "autoApprovers": {');
    expect(frame).toContain('│   "routes": {"10.200.0.1/32": ["tag:k8s"]}');
    expect(frame).toMatch(/⏸ rpi4-a {2}control plane {2}Approve VIP route/);
  });

  test('an unknown host key asks y/n; y answers that question with true', async () => {
    const onAnswer = vi.fn();
    const events: RunEvent[] = [
      started(threeHosts),
      {
        type: 'question',
        at: 10,
        id: 'host-key-1',
        kind: 'host-key',
        host: 'rpi4-b',
        message: "rpi4-b's SSH host key is not known yet. Trust it?",
        fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
      },
    ];
    const screen = await show(fold(events), {onAnswer});
    expectFits(screen);
    const frame = screen.frame();
    expect(frame).toContain('? rpi4-b: SSH host key not known yet');
    expect(frame).toContain('  SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8');
    expect(frame).toContain('Trust this key and connect? y yes  n no');
    expect(screen.lines().at(-1)).toMatch(/^y trust {2}n refuse/);
    await screen.press('y', 'y');
    expect(onAnswer).toHaveBeenCalledTimes(1);
    expect(onAnswer).toHaveBeenCalledWith('host-key-1', true);
  });

  test("while the question waits, the host's pane shows the host and the fingerprint, not its first command", async () => {
    const fingerprint = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
    const events: RunEvent[] = [
      started(threeHosts),
      {type: 'phase-started', at: 0, phase: 'facts'},
      ...threeHosts.flatMap((host): RunEvent[] => [
        {type: 'host-step-started', at: 0, phase: 'facts', host: host.name},
        // Written before the connection, which is what waits for the answer.
        {
          type: 'host-output',
          at: 1,
          phase: 'facts',
          host: host.name,
          stream: 'command',
          line: 'cat /etc/os-release',
        },
      ]),
      {
        type: 'question',
        at: 10,
        id: 'host-key-1',
        kind: 'host-key',
        host: 'rpi4-b',
        message: `rpi4-b's SSH host key is not known yet: ${fingerprint}. Trust it?`,
        fingerprint,
      },
    ];
    // A pane per host at 80×24; one line per host on a shorter terminal (the question takes the room).
    const compact = await show(fold(events), {size: {columns: 80, rows: 17}});
    expectFits(compact);
    expect(compact.frame()).toContain('? rpi4-b: SSH host key not known yet');
    expect(compact.frame()).toContain(`  ${fingerprint}`);
    const row = compact.lines().find((line) => / rpi4-b {2}control plane/.test(line)) ?? '';
    expect(row).toMatch(/^ {2}\? rpi4-b .*trust host key\? y\/n \(above\)$/);
    // The others, whose connections do not wait on it, still show their command.
    expect(compact.lines().find((line) => line.includes(' nuc '))).toContain('cat /etc/os-release');
    compact.unmount();

    const roomy = await show(fold(events));
    expectFits(roomy);
    const lines = roomy.lines();
    const at = lines.findIndex((line) => / rpi4-b {2}control plane/.test(line));
    expect(lines[at]).toMatch(/^ {2}\? rpi4-b/);
    expect(lines[at + 1]).toBe(`      host key ${fingerprint}: trust it? y/n`);
    const pane = lines.slice(
      at,
      lines.findIndex((line) => line.includes(' nuc ')),
    );
    expect(pane.join('\n')).not.toContain('cat /etc/os-release');
    expect(lines.slice(0, at).join('\n')).toContain('cat /etc/os-release'); // rpi4-a's pane
  });

  test('n refuses', async () => {
    const onAnswer = vi.fn();
    const state = fold([
      started(threeHosts),
      {
        type: 'question',
        at: 1,
        id: 'q7',
        kind: 'host-key',
        host: 'nuc',
        message: 'Trust?',
        fingerprint: 'SHA256:x',
      },
    ]);
    const screen = await show(state, {onAnswer});
    await screen.press('n');
    expect(onAnswer).toHaveBeenCalledWith('q7', false);
  });
});

const failedRun = (): RunEvent[] => [
  ...midRun(threeHosts),
  {
    type: 'host-step-finished',
    at: 9000,
    phase: 'containerd',
    host: 'rpi4-a',
    status: 'done',
    changed: true,
  },
  {
    type: 'host-step-finished',
    at: 9000,
    phase: 'containerd',
    host: 'nuc',
    status: 'done',
    changed: true,
  },
  {
    type: 'host-step-finished',
    at: 9500,
    phase: 'containerd',
    host: 'rpi4-b',
    status: 'failed',
    changed: false,
    failure: {
      message: 'containerd did not restart.',
      command: "sudo systemctl restart 'containerd'",
      exitCode: 1,
      stderrTail: [
        'Job for containerd.service failed because the control process exited with error code.',
        'See "systemctl status containerd.service" and "journalctl -xeu containerd.service" for details.',
      ],
      suggestion: 'Look at `journalctl -u containerd` on rpi4-b; the config may not parse.',
    },
  },
  {type: 'phase-finished', at: 9500, phase: 'containerd', status: 'failed'},
];

describe('Run screen: warnings', () => {
  const warning = (at: number, host: string, message: string): RunEvent => ({
    type: 'notice',
    at,
    phase: 'facts',
    host,
    level: 'warning',
    message,
  });

  test('a warning stays in view with its host while the run goes on; info notices stay in the log', async () => {
    const screen = await show(
      fold([
        ...midRun(threeHosts),
        warning(5000, 'rpi4-b', 'kubeadm here is v1.35.1, the plan says 1.36'),
        {type: 'notice', at: 5001, level: 'info', message: 'an info line for the log only'},
      ]),
    );
    expectFits(screen);
    expect(screen.frame()).toContain('! rpi4-b: kubeadm here is v1.35.1, the plan says 1.36');
    expect(screen.frame()).not.toContain('an info line');
    // The panes are still there below it.
    expect(lineOf(screen, '⠋ nuc')).toBeGreaterThan(lineOf(screen, 'rpi4-b: kubeadm'));
  });

  test('many warnings: the newest three, and how many more the log has', async () => {
    const screen = await show(
      fold([
        ...midRun(threeHosts),
        ...Array.from({length: 5}, (_, index) =>
          warning(5000 + index, 'nuc', `relayed path number ${index + 1}`),
        ),
      ]),
    );
    expectFits(screen);
    expect(screen.frame()).not.toContain('relayed path number 2');
    expect(screen.frame()).toContain('nuc: relayed path number 3');
    expect(screen.frame()).toContain('nuc: relayed path number 5');
    expect(screen.frame()).toContain('(2 earlier warnings in the log)');
  });
});

describe('Run screen: failure and the end', () => {
  test('a failure shows host, phase, command, exit code, stderr tail and the suggestion', async () => {
    const screen = await show(fold(failedRun()));
    expectFits(screen);
    const frame = screen.frame();
    expect(frame).toContain('✗ Containerd runtime failed on rpi4-b: containerd did not restart.');
    expect(frame).toContain("$ sudo systemctl restart 'containerd'  exit 1");
    expect(frame).toContain(
      '│ Job for containerd.service failed because the control process exited with e',
    );
    expect(frame).toContain(
      'Try: Look at `journalctl -u containerd` on rpi4-b; the config may not parse.',
    );
    expect(frame).toMatch(/✗ rpi4-b {2}control plane {2}Containerd runtime/);
  });

  test('after a failed run: the re-run hint and the log path; q quits', async () => {
    const onQuit = vi.fn();
    const outcome = {
      ...summaryOutcome(threeHosts),
      ok: false,
      error: 'Containerd runtime failed on rpi4-b: containerd did not restart.',
    };
    const state = fold([...failedRun(), {type: 'run-finished', at: 9600, ...outcome}]);
    const screen = await show(state, {onQuit});
    expectFits(screen);
    expect(screen.frame()).toContain('To go on: start ha-wizard again and choose Resume');
    expect(screen.frame()).toContain('Phases 2/6');
    expect(screen.frame()).toContain('failed');
    await screen.press('q');
    expect(onQuit).toHaveBeenCalled();
  });

  test('a failed demo run says it is simulated and points to r, not to apply (which refuses demo plans)', async () => {
    const outcome = {...summaryOutcome(threeHosts), ok: false, error: 'failed'};
    const state = fold([...failedRun(), {type: 'run-finished', at: 9600, ...outcome}]);
    const screen = await show(state, {simulated: true});
    expectFits(screen);
    expect(screen.frame()).toContain('demo: simulated run on made-up hosts');
    expect(screen.frame()).toContain('To re-run: Esc, then r on Review');
    expect(screen.frame()).not.toContain('apply');
  });

  test('the summary: nodes, roles, VIP and its primary router, kubectl, kubeconfig, log path', async () => {
    const onQuit = vi.fn();
    const events: RunEvent[] = [
      started(threeHosts),
      ...['facts', 'tailscale', 'routes', 'containerd', 'kubeadm-init', 'join'].flatMap(
        (phase, index) => phaseDone(threeHosts, phase, index * 2000),
      ),
      {type: 'run-finished', at: 12_000, ...summaryOutcome(threeHosts)},
    ];
    const screen = await show(fold(events), {onQuit});
    expectFits(screen);
    const frame = screen.frame();
    expect(frame).toMatch(/Phases 6\/6 █+ {2}homelab: done/);
    expect(frame).toContain('✓ Cluster homelab is up: 2 control planes, 1 worker.');
    expect(frame).toContain('Control planes  rpi4-a 100.64.0.11 ★, rpi4-b 100.64.0.12');
    expect(frame).toContain('Workers         nuc 100.64.0.21');
    expect(frame).toContain('VIP             10.200.0.1 — primary router rpi4-a ★');
    expect(frame).toContain('kubectl         kubectl --context homelab get nodes');
    expect(frame).toContain('kubeconfig      context homelab in /home/me/.kube/config');
    expect(frame).toContain(
      'Log             /home/me/.local/state/ha-wizard/runs/2026-11-24T12-00-00.log',
    );
    expect(frame).toMatch(/✓ nuc {5}worker {9}done/);
    expect(screen.lines().at(-1)).toBe('↑↓ host  Enter full log  q quit');
    await screen.press('q');
    expect(onQuit).toHaveBeenCalled();
  });

  test('the summary at 20 hosts still fits', async () => {
    const events: RunEvent[] = [
      started(twentyHosts),
      ...phaseDone(twentyHosts, 'facts', 0),
      {type: 'run-finished', at: 12_000, ...summaryOutcome(twentyHosts)},
    ];
    const screen = await show(fold(events));
    expectFits(screen);
    expect(screen.frame()).toContain('✓ Cluster homelab is up: 3 control planes, 17 workers.');
    expect(screen.frame()).toContain('kubectl --context homelab get nodes');
  });
});

describe('Run screen: stopping', () => {
  test('Ctrl-C while running calls onAbort, not onQuit; Esc does not go back; a second Ctrl-C quits', async () => {
    const onAbort = vi.fn();
    const onQuit = vi.fn();
    const onBack = vi.fn();
    const state = fold(midRun(threeHosts));
    const screen = await show(state, {onAbort, onQuit, onBack});
    await screen.press(ESC, 'q');
    expect(onBack).not.toHaveBeenCalled();
    expect(onQuit).not.toHaveBeenCalled();
    await screen.press(CTRL_C);
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(onQuit).not.toHaveBeenCalled();
    expect(screen.frame()).toContain(
      '! Stopping safely: the steps in progress finish, nothing new starts…',
    );
    expect(screen.lines().at(-1)).toContain('Ctrl-C quit now');
    await screen.press(CTRL_C);
    expect(onQuit).toHaveBeenCalledTimes(1);
  });

  test('stopped: says so and how to re-run', async () => {
    const state = fold([
      ...midRun(threeHosts),
      {
        type: 'run-finished',
        at: 9000,
        ...summaryOutcome(threeHosts),
        ok: false,
        aborted: true,
        error: 'The run was stopped before it finished.',
      },
    ]);
    const onBack = vi.fn();
    const screen = await show(state, {onBack});
    expectFits(screen);
    expect(screen.frame()).toContain('! Stopped before the run finished.');
    expect(screen.frame()).toContain('To go on: start ha-wizard again and choose Resume');
    await screen.press(ESC);
    expect(onBack).toHaveBeenCalled();
  });
});

describe('runViewReducer', () => {
  test('selection is clamped; scrolling to the end follows again', () => {
    let view = runViewReducer(initialRunViewState, {type: 'select', delta: -1, count: 3});
    expect(view.selected).toBe(0);
    view = runViewReducer(view, {type: 'select', delta: 5, count: 3});
    expect(view.selected).toBe(2);
    view = runViewReducer(view, {type: 'expand'});
    view = runViewReducer(view, {type: 'scroll', delta: -3, max: 10});
    expect(view.scroll).toBe(7);
    view = runViewReducer(view, {type: 'scroll', delta: 5, max: 10});
    expect(view.scroll).toBeUndefined();
    expect(runViewReducer(view, {type: 'collapse'}).expanded).toBe(false);
  });
});
