// The App starting a run from Review and showing it, with a fake RunHandle the
// test drives; and the throttle that keeps a streaming run cheap to draw.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {App, type AppProps} from '../../screens/app.js';
import {loadable} from '../../screens/components/loadable.js';
import {createBatcher} from '../../screens/use-run-events.js';
import {generateArtifacts} from '../../source/core/artifacts/index.js';
import type {Plan} from '../../source/core/plan/types.js';
import type {RunEvent, RunOutcome} from '../../source/core/run/events.js';
import {initialRunState, type RunState} from '../../source/core/run/state.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {keyFileProblem} from '../../source/engine/control/key-file.js';
import type {RunHandle, RunStartOptions} from '../../source/engine/start-run.js';
import {createStartDemoRun} from '../../source/engine/start-demo-run.js';
import {eventHub} from '../../source/engine/start-run.js';
import {demoBanner} from '../../screens/run-rows.js';
import {artifacts, now} from './fixtures.js';
import {
  ARROW_DOWN,
  CTRL_C,
  CTRL_U,
  ENTER,
  ESC,
  PAGE_DOWN,
  TAB,
  expectFits,
  render,
  type Screen,
} from './harness.js';
import {demoPlan, midRun, started, summaryOutcome, threeHosts} from './run-fixtures.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

// The demo's devices, as if read from a real tailnet: the demo itself never runs.
const tailnet = {...demoTailnet(now), source: 'tailscale status'};

/** A RunHandle the test drives: `emit` plays the engine. */
const fakeRun = () => {
  const hub = eventHub();
  let finish: (outcome: RunOutcome) => void = () => {};
  const handle: RunHandle = {
    subscribe: hub.subscribe,
    answer: vi.fn(),
    abort: vi.fn(),
    done: new Promise<RunOutcome>((resolve) => {
      finish = resolve;
    }),
  };
  return {handle, emit: hub.emit, finish: (outcome: RunOutcome) => finish(outcome)};
};

const toAccess = async (screen: Screen) => {
  await screen.waitForText('1/5 Discover');
  await screen.press(ENTER);
  await screen.waitForText('2/5 Roles');
  // Roles rows: workstation, cloud-arm, nas, nuc, opi5, rpi4-a, rpi4-b.
  await screen.press(ARROW_DOWN, 'w', ARROW_DOWN, ARROW_DOWN, 'w');
  await screen.press(ARROW_DOWN, 'c', ARROW_DOWN, 'c', ARROW_DOWN, 'c');
  await screen.waitForText('3 control planes: tolerates 1 failure');
  await screen.press(ENTER);
  await screen.waitForText('3/5 Network');
  await screen.press(ENTER, ENTER, ENTER, ENTER, ENTER);
  await screen.waitForText('Enter/→ continue');
  await screen.press(ENTER);
  await screen.waitForText('4/5 Access');
};

const toReview = async (screen: Screen) => {
  await toAccess(screen);
  await screen.press(ESC);
  for (let step = 0; step < 10 && !screen.frame().includes('Enter/→ continue'); step++)
    await screen.press(ARROW_DOWN);
  await screen.press(ENTER);
  await screen.waitForText('5/5 Review');
};

const renderApp = (props: Partial<AppProps>) =>
  render(
    <App
      discovery={{kind: 'tailnet', tailnet}}
      loadDemo={() => tailnet}
      now={now}
      generateArtifacts={artifacts}
      writeArtifacts={async () => 'written'}
      {...props}
    />,
  );

describe('the route API key file, asked on Access', () => {
  test('a missing file is an error there; a readable one goes to the run by path, the key never on screen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-key-'));
    const keyFile = join(dir, 'headscale.key');
    const run = fakeRun();
    const startRun = vi.fn((_plan: Plan, _options?: RunStartOptions) => run.handle);
    const screen = await renderApp({startRun, checkApiKeyFile: keyFileProblem});
    await toAccess(screen);
    await screen.press(ESC, ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((frame) => /› Route API key/.test(frame));
    await screen.type(keyFile);
    const refused = await screen.waitForText('does not exist; give');
    expect(refused).toContain('✗ The route API key file /');
    expectFits(screen);
    writeFileSync(keyFile, 'hskey-api-secret-never-shown\n');
    // The file is read again as the path changes: Ctrl-U and the path again.
    await screen.press(CTRL_U);
    await screen.type(keyFile);
    await screen.waitFor((frame) => !frame.includes('does not exist'));
    await screen.press(ESC);
    for (let step = 0; step < 10 && !screen.frame().includes('Enter/→ continue'); step++)
      await screen.press(ARROW_DOWN);
    await screen.press(ENTER);
    await screen.waitForText('5/5 Review');
    await screen.press(PAGE_DOWN);
    await screen.waitForText(`Route approval: through the API, key file ${keyFile}`);
    await screen.press('r');
    await screen.waitForText('ha-wizard  Run');
    expect(startRun).toHaveBeenCalledOnce();
    expect(startRun.mock.calls[0]?.[1]).toEqual({apiKeyFile: keyFile});
    expect(screen.frames().join('\n')).not.toContain('secret-never-shown');
    rmSync(dir, {recursive: true, force: true});
  });
});

describe('Review → Run', () => {
  test('r starts the run with the plan; the Run screen folds the events; Esc does not leave while running', async () => {
    const run = fakeRun();
    const startRun = vi.fn((_plan: Plan) => run.handle);
    const onQuit = vi.fn();
    const screen = await renderApp({startRun, onQuit});
    await toReview(screen);
    expect(screen.lines().at(-1)).toContain('r run on hosts');
    expect(screen.frame()).toContain('to a folder. r runs the plan.');
    // Events the engine emits before the screen subscribes are not lost.
    startRun.mockImplementationOnce((plan: Plan) => {
      run.emit(started(threeHosts));
      expect(plan.nodes.map((node) => node.name).sort()).toEqual(
        ['cloud-arm', 'nuc', 'opi5', 'rpi4-a', 'rpi4-b'].sort(),
      );
      return run.handle;
    });
    await screen.press('r');
    expect(startRun).toHaveBeenCalledTimes(1);
    await screen.waitForText('ha-wizard  Run');
    await screen.waitForText('Phases 0/6');
    for (const event of midRun(threeHosts).slice(1)) run.emit(event);
    await screen.waitForText('nuc containerd line 30');
    expectFits(screen);
    expect(screen.frame()).toMatch(/rpi4-a {2}control plane {2}Containerd runtime/);

    await screen.press(ESC);
    expect(screen.frame()).toContain('ha-wizard  Run');

    run.emit({
      type: 'question',
      at: 9000,
      id: 'host-key-1',
      kind: 'host-key',
      host: 'nuc',
      message: 'Trust?',
      fingerprint: 'SHA256:abc',
    });
    await screen.waitForText('? nuc: SSH host key not known yet');
    await screen.press('y');
    expect(run.handle.answer).toHaveBeenCalledWith('host-key-1', true);
    run.emit({type: 'question-answered', at: 9001, id: 'host-key-1', accepted: true});

    await screen.press(CTRL_C);
    expect(run.handle.abort).toHaveBeenCalledTimes(1);
    expect(onQuit).not.toHaveBeenCalled();
    run.emit({
      type: 'run-finished',
      at: 9500,
      ...summaryOutcome(threeHosts),
      ok: false,
      aborted: true,
    });
    await screen.waitForText('Stopped before the run finished.');
    // Over: Esc goes back to Review.
    await screen.press(ESC);
    await screen.waitForText('5/5 Review');
  });

  test('the finished run shows the summary and q quits', async () => {
    const run = fakeRun();
    const onQuit = vi.fn();
    const screen = await renderApp({startRun: () => run.handle, onQuit});
    await toReview(screen);
    await screen.press('r');
    run.emit(started(threeHosts));
    run.emit({type: 'run-finished', at: 5000, ...summaryOutcome(threeHosts)});
    await screen.waitForText('kubectl --context homelab get nodes');
    await screen.press('q');
    expect(onQuit).toHaveBeenCalled();
  });

  test('a failed run offers doctor: d leaves the wizard for it with the plan; a finished one does not', async () => {
    const run = fakeRun();
    const openDoctor = vi.fn();
    const screen = await renderApp({startRun: () => run.handle, openDoctor});
    await toReview(screen);
    await screen.press('r');
    run.emit(started(threeHosts));
    run.emit({
      type: 'run-finished',
      at: 5000,
      ...summaryOutcome(threeHosts),
      ok: false,
      error: 'Verify failed on rpi4-a: kubectl: connection refused',
    });
    await screen.waitForText('d diagnose (doctor)');
    await screen.press('d');
    expect(openDoctor).toHaveBeenCalledTimes(1);
    expect((openDoctor.mock.calls[0]?.[0] as Plan).clusterName).toBe('homelab');
  });

  test('after a successful run, d does nothing', async () => {
    const run = fakeRun();
    const openDoctor = vi.fn();
    const screen = await renderApp({startRun: () => run.handle, openDoctor});
    await toReview(screen);
    await screen.press('r');
    run.emit(started(threeHosts));
    run.emit({type: 'run-finished', at: 5000, ...summaryOutcome(threeHosts)});
    await screen.waitForText('kubectl --context homelab get nodes');
    expect(screen.lines().at(-1)).not.toContain('doctor');
    await screen.press('d');
    expect(openDoctor).not.toHaveBeenCalled();
  });

  test('a successful run offers the failover drill: f leaves the wizard for it with the plan; a failed one does not', async () => {
    const run = fakeRun();
    const openDrill = vi.fn();
    const screen = await renderApp({startRun: () => run.handle, openDrill});
    await toReview(screen);
    await screen.press('r');
    run.emit(started(threeHosts));
    run.emit({type: 'run-finished', at: 5000, ...summaryOutcome(threeHosts)});
    await screen.waitForText('f failover drill');
    await screen.press('f');
    expect(openDrill).toHaveBeenCalledTimes(1);
    expect((openDrill.mock.calls[0]?.[0] as Plan).clusterName).toBe('homelab');

    const failed = fakeRun();
    const notOffered = vi.fn();
    const again = await renderApp({startRun: () => failed.handle, openDrill: notOffered});
    await toReview(again);
    await again.press('r');
    failed.emit(started(threeHosts));
    failed.emit({
      type: 'run-finished',
      at: 5000,
      ...summaryOutcome(threeHosts),
      ok: false,
      error: 'Verify failed on rpi4-a: kubectl: connection refused',
    });
    await again.waitForText('Verify failed');
    expect(again.lines().at(-1)).not.toContain('drill');
    await again.press('f');
    expect(notOffered).not.toHaveBeenCalled();
  });

  test('after a successful run on a LAN endpoint f offers the drill too: keepalived + HAProxy and kube-vip', async () => {
    for (const endpoint of ['keepalived-haproxy', 'kube-vip'] as const) {
      const lan = fakeRun();
      const openDrill = vi.fn();
      const screen = await renderApp({
        startRun: () => lan.handle,
        openDrill,
        initial: {endpoint, vip: '192.168.1.250'},
      });
      await toReview(screen);
      await screen.press('r');
      lan.emit(started(threeHosts));
      lan.emit({type: 'run-finished', at: 5000, ...summaryOutcome(threeHosts)});
      await screen.waitForText('f failover drill');
      await screen.press('f');
      expect(openDrill, endpoint).toHaveBeenCalledTimes(1);
      expect((openDrill.mock.calls[0]?.[0] as Plan).network.endpoint).toBe(endpoint);
    }
  });

  test('on the demo tailnet, whose hosts are made up, r never starts a real run', async () => {
    const startRun = vi.fn((_plan: Plan) => fakeRun().handle);
    const demo = demoTailnet(now);
    const screen = await renderApp({discovery: {kind: 'tailnet', tailnet: demo}, startRun});
    await toReview(screen);
    expect(screen.lines().at(-1)).not.toContain('r run');
    await screen.press('r');
    expect(screen.frame()).toContain('5/5 Review');
    expect(startRun).not.toHaveBeenCalled();
  });

  test('on the demo tailnet, r runs the in-memory demo to the summary, saying so on every frame', async () => {
    const startRun = vi.fn((_plan: Plan) => fakeRun().handle);
    const startDemoRun = vi.fn(createStartDemoRun({pace: 0}));
    const screen = await renderApp({
      discovery: {kind: 'tailnet', tailnet: demoTailnet(now)},
      startRun,
      startDemoRun,
    });
    await toReview(screen);
    expect(screen.lines().at(-1)).toContain('r demo run');
    expect(screen.frame()).toContain('r runs a demo.');
    await screen.press('r');
    await screen.waitForText('ha-wizard  Run');
    expect(screen.frame()).toContain(demoBanner);
    await screen.waitForText('Cluster homelab is up: 3 control planes, 2 workers.', 15_000);
    expect(screen.frame()).toContain(demoBanner);
    expect(screen.frame()).toContain('/home/demo/.kube/config (demo memory)');
    expectFits(screen);
    expect(startDemoRun).toHaveBeenCalledTimes(1);
    expect(startRun).not.toHaveBeenCalled();
  }, 30_000);

  test('without startRun, Review offers no r', async () => {
    const screen = await renderApp({});
    await toReview(screen);
    expect(screen.lines().at(-1)).not.toContain('r run');
    expect(screen.frame()).toContain('✓ No errors. Press w to write the artifacts to a folder.');
  });
});

describe('the render throttle', () => {
  const output = (at: number, line: number): RunEvent => ({
    type: 'host-output',
    at,
    phase: 'containerd',
    host: 'rpi4-a',
    stream: 'stdout',
    line: `line ${line}`,
  });

  test('thousands of events → a bounded number of publishes; the last line is always there', () => {
    vi.useFakeTimers();
    const published: RunState[] = [];
    const batcher = createBatcher({
      initial: initialRunState(),
      publish: (state) => published.push(state),
      interval: 100,
      now: () => Date.now(),
    });
    batcher.push(started(threeHosts));
    // 5000 lines over one simulated second, 5 per ms.
    for (let line = 1; line <= 5000; line++) {
      batcher.push(output(line, line));
      if (line % 5 === 0) vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    // One publish per 100 ms window (plus the first, at once), not one per event.
    expect(published.length).toBeLessThanOrEqual(13);
    expect(published.length).toBeGreaterThanOrEqual(10);
    expect(published.at(-1)?.hosts['rpi4-a']?.lines.at(-1)).toBe('line 5000');
    batcher.dispose();
  });

  test('the end of the run is published at once, with the final lines', () => {
    vi.useFakeTimers();
    const published: RunState[] = [];
    const batcher = createBatcher({
      initial: initialRunState(),
      publish: (state) => published.push(state),
      now: () => Date.now(),
    });
    batcher.push(started(threeHosts));
    batcher.push(output(1, 1));
    batcher.push(output(2, 2));
    const before = published.length;
    batcher.push({type: 'run-finished', at: 3, ...summaryOutcome(threeHosts)});
    expect(published.length).toBe(before + 1);
    expect(published.at(-1)?.outcome?.ok).toBe(true);
    expect(published.at(-1)?.hosts['rpi4-a']?.lines.at(-1)).toBe('line 2');
    expect(vi.getTimerCount()).toBe(0);
  });

  test('in the App: a burst of events renders a bounded number of frames, the last line shown', async () => {
    const run = fakeRun();
    const screen = await renderApp({startRun: () => run.handle});
    await toReview(screen);
    await screen.press('r');
    run.emit(started(threeHosts));
    await screen.waitForText('Phases 0/6');
    let frames = 0;
    const seen = new Set<string>();
    const count = setInterval(() => {
      const frame = screen.frame();
      if (!seen.has(frame)) frames++;
      seen.add(frame);
    }, 1);
    for (let line = 1; line <= 3000; line++) run.emit(output(line, line));
    await screen.waitForText('line 3000');
    clearInterval(count);
    expect(frames).toBeLessThan(10);
  });
});

describe('An unfinished run is offered first', () => {
  const savedPlan: Plan = {...demoPlan, clusterName: 'homelab'};
  const unfinished = [
    {
      clusterName: 'homelab',
      headline:
        'The run of cluster homelab started 2026-11-24 10:00 UTC was interrupted at Join control planes (last step 2026-11-24 10:03 UTC).',
      details: ['  ✓ Preflight', '  ◐ Join control planes: partly done', '  · Cilium'],
      plan: savedPlan,
    },
    {clusterName: 'lab2', headline: 'The run of cluster lab2 …', details: [], plan: savedPlan},
  ];

  test('Resume starts the saved plan at once; Show what was done lists the phases', async () => {
    const run = fakeRun();
    const startRun = vi.fn((_plan: Plan) => run.handle);
    const screen = await renderApp({startRun, unfinished});
    await screen.waitForText('Unfinished run');
    expectFits(screen);
    expect(screen.frame()).toMatch(/was interrupted at\s+Join control planes/);
    expect(screen.frame()).toContain('› Resume');
    expect(screen.frame()).not.toContain('Start over'); // no reset given
    expect(screen.frame()).toContain('Also unfinished: lab2');
    await screen.press(ARROW_DOWN, ENTER);
    await screen.waitForText('◐ Join control planes: partly done');
    expect(startRun).not.toHaveBeenCalled();
    await screen.press('\u001b[A', ENTER);
    await screen.waitForText('Run');
    expect(startRun).toHaveBeenCalledTimes(1);
    expect(startRun.mock.calls[0]?.[0]).toBe(savedPlan);
  });

  test('Start over is offered with a reset; Plan a new cluster goes to Discover and runs nothing', async () => {
    const startRun = vi.fn((_plan: Plan) => fakeRun().handle);
    const startOver = vi.fn((_plan: Plan) => fakeRun().handle);
    const screen = await renderApp({startRun, startOver, unfinished});
    await screen.waitForText('› Resume');
    expect(screen.frame()).toContain('Start over');
    await screen.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ENTER);
    await screen.waitForText('1/5 Discover');
    expect(startRun).not.toHaveBeenCalled();
    expect(startOver).not.toHaveBeenCalled();
  });

  test('Start over runs the saved plan through the reset', async () => {
    const startRun = vi.fn((_plan: Plan) => fakeRun().handle);
    const startOver = vi.fn((_plan: Plan) => fakeRun().handle);
    const screen = await renderApp({startRun, startOver, unfinished});
    await screen.waitForText('› Resume');
    await screen.press(ARROW_DOWN, ENTER);
    await screen.waitForText('Run');
    expect(startOver).toHaveBeenCalledWith(savedPlan);
    expect(startRun).not.toHaveBeenCalled();
  });
});

describe('The generated files, loaded after the first frame', () => {
  test('the generators load once past Discover; Review says none are generated until they are, then shows them', async () => {
    let finish: () => void = () => {};
    const load = vi.fn(
      () =>
        new Promise<typeof generateArtifacts>((resolve) => {
          finish = () => resolve(generateArtifacts);
        }),
    );
    const screen = await renderApp({generateArtifacts: loadable(load)});
    await screen.waitForText('1/5 Discover');
    expect(load).not.toHaveBeenCalled();
    await toReview(screen);
    expect(load).toHaveBeenCalledOnce();
    expect(screen.frame()).toContain('(no artifacts generated yet)');
    finish();
    await screen.waitFor((frame) => !frame.includes('(no artifacts generated yet)'));
    await screen.press(TAB);
    await screen.waitForText('kubeadm/init.yaml');
    expectFits(screen);
  });

  test('generators that fail to load are named on Review, and the plan is still shown', async () => {
    const screen = await renderApp({
      generateArtifacts: loadable(() => Promise.reject(new Error('chunk missing'))),
    });
    await toReview(screen);
    await screen.waitForText('✗ artifacts: chunk missing');
    expect(screen.frame()).toContain('API endpoint');
    expectFits(screen);
  });
});
