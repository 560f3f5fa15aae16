// The in-process demo run: the real phase list on the demo tailnet's made-up
// hosts, through the behavioural host model (source/sim). No fakes: the
// proof is what the model's own tools say afterwards.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'yaml';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {demoKubeconfig, demoWorld, runDemo} from '../../source/engine/demo-run.js';
import {plausibleMs} from '../../source/engine/host/sim-host.js';
import {phases} from '../../source/engine/phases/index.js';
import {phaseApplies} from '../../source/engine/phases/phase.js';
import {createStartDemoRun} from '../../source/engine/start-demo-run.js';
import {demoPlan} from '../support/demo-plan.js';

const plan = demoPlan(new Date());
const signal = () => new AbortController().signal;

const finishedSteps = (events: readonly RunEvent[]) =>
  events.flatMap((event) =>
    event.type === 'host-step-finished'
      ? [{phase: event.phase, host: event.host, status: event.status, changed: event.changed}]
      : [],
  );

describe('the demo run', () => {
  it('takes the demo plan through every phase to a verified cluster, and a second run changes nothing', async () => {
    const world = demoWorld(plan, 0);
    const events: RunEvent[] = [];
    const first = await runDemo(plan, world, {onEvent: (e) => events.push(e), signal: signal()});
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({ok: true, changed: true, aborted: false});
    // Every phase ran on every host it concerns, and nothing failed.
    const steps = finishedSteps(events);
    for (const phase of phases.filter((entry) => phaseApplies(entry, plan)))
      for (const node of phase.hosts(plan))
        expect(steps).toContainEqual(expect.objectContaining({phase: phase.id, host: node.name}));
    expect(steps.filter((step) => step.status === 'failed')).toEqual([]);
    // Direct paths between the control planes (tailscale ping), matching versions: no warning
    // but the one the run owes: with no API key it cannot tell whether the standbys' routes
    // are approved, and says how to approve each (issue 9).
    const notices = events.flatMap((event) => (event.type === 'notice' ? [event] : []));
    expect(notices.map((n) => [n.phase, n.host, n.level])).toEqual([
      ['join-control-planes', 'rpi4-b', 'info'],
      ['join-control-planes', 'opi5', 'info'],
      ['verify', undefined, 'warning'],
    ]);
    expect(notices.at(-1)?.message).toMatch(
      /^cannot tell whether every control plane's 10\.200\.0\.1\/32 is approved/,
    );

    // The model agrees: the cluster answers through the VIP from a worker, which
    // reaches it only over the tailnet route the init node advertises.
    const run = (host: string, argv: string[]) => world.world.run(host, argv, {uid: 0});
    expect(world.world.tailnet().primaries['10.200.0.1/32']).toBe('rpi4-a');
    const readyz = await run('nuc', [
      'curl',
      '-sk',
      '--max-time',
      '2',
      'https://10.200.0.1:6443/readyz',
    ]);
    expect(readyz).toMatchObject({code: 0, stdout: 'ok'});
    const nodes = await run('opi5', [
      'kubectl',
      '--kubeconfig',
      '/etc/kubernetes/admin.conf',
      'get',
      'nodes',
    ]);
    expect(nodes.stdout.match(/ Ready /g)).toHaveLength(5);
    const etcd = await run('rpi4-a', [
      'kubectl',
      '--kubeconfig',
      '/etc/kubernetes/admin.conf',
      '-n',
      'kube-system',
      'get',
      'pods',
      '-l',
      'component=etcd',
      '-o',
      'json',
    ]);
    expect((JSON.parse(etcd.stdout) as {items: unknown[]}).items).toHaveLength(3);
    // Both containerd config versions got SystemdCgroup at their own path.
    for (const host of ['rpi4-a', 'nuc']) {
      const dump = await run(host, ['containerd', 'config', 'dump']);
      expect(dump.stdout).toMatch(/SystemdCgroup = true/);
    }
    // The workstation's kubeconfig is the world's file, pointing at the VIP.
    const kubeconfig = parse(world.world.fs('workstation')?.read(demoKubeconfig) ?? '') as {
      clusters: Array<{cluster: {server: string}}>;
      'current-context'?: string;
    };
    expect(kubeconfig.clusters[0]?.cluster.server).toBe('https://10.200.0.1:6443');

    const again: RunEvent[] = [];
    const second = await runDemo(plan, world, {onEvent: (e) => again.push(e), signal: signal()});
    expect(second).toMatchObject({ok: true, changed: false});
    expect(finishedSteps(again).filter((step) => step.changed)).toEqual([]);
  });

  it('waits for the route approval and takes plausible time at a slower pace', async () => {
    const pace = 0.05;
    const events: RunEvent[] = [];
    const started = Date.now();
    const outcome = await runDemo(plan, demoWorld(plan, pace), {
      onEvent: (e) => events.push(e),
      signal: signal(),
    });
    expect(outcome.ok).toBe(true);
    // The route is approved only after a while, so the run shows the real wait and its instructions.
    expect(events.map((event) => event.type)).toContain('waiting');
    expect(events.map((event) => event.type)).toContain('waiting-over');
    // At least kubeadm init, two control-plane joins one after the other, and helm, at this pace.
    const serial =
      plausibleMs(['kubeadm', 'init']) +
      2 * plausibleMs(['kubeadm', 'join']) +
      plausibleMs(['helm', 'upgrade']);
    expect(serial).toBeGreaterThan(5000);
    expect(Date.now() - started).toBeGreaterThan(pace * serial);
  });

  describe('as the TUI starts it', () => {
    let home: string;
    const saved = {...process.env};
    beforeEach(() => {
      home = mkdtempSync(join(tmpdir(), 'hw-demo-home-'));
      process.env['HOME'] = home;
      delete process.env['XDG_STATE_HOME'];
      delete process.env['KUBECONFIG'];
    });
    afterEach(() => {
      process.env = {...saved};
      rmSync(home, {recursive: true, force: true});
      vi.restoreAllMocks();
    });

    it('writes nothing to HOME, opens no connection, and says it is simulated', async () => {
      const connect = vi.spyOn(Socket.prototype, 'connect');
      const handle = createStartDemoRun({pace: 0})(plan);
      expect(handle.simulated).toBe(true);
      const events: RunEvent[] = [];
      handle.subscribe((event) => events.push(event));
      const outcome = await handle.done;
      expect(outcome.ok).toBe(true);
      expect(outcome.summary.kubeconfigPath).toBe(demoKubeconfig);
      expect(events.at(-1)?.type).toBe('run-finished');
      expect(readdirSync(home, {recursive: true})).toEqual([]);
      expect(connect).not.toHaveBeenCalled();
    });

    it('a second run of the same plan from the same TUI session changes nothing; Ctrl-C stops one', async () => {
      const start = createStartDemoRun({pace: 0});
      expect((await start(plan).done).changed).toBe(true);
      expect(await start(plan).done).toMatchObject({ok: true, changed: false});
      const slow = createStartDemoRun({pace: 0.1})(plan);
      slow.subscribe((event) => {
        if (event.type === 'phase-finished' && event.phase === 'preflight') slow.abort();
      });
      expect(await slow.done).toMatchObject({ok: false, aborted: true});
    });
  });
});
