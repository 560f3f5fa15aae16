import {describe, expect, it} from 'vitest';
import type {PlanNode} from '../../source/core/plan/types.js';
import type {RunEvent} from '../../source/core/run/events.js';
import type {Phase} from '../../source/engine/phases/phase.js';
import {runPhases, type RunnerOptions} from '../../source/engine/runner.js';
import {SecretStore} from '../../source/engine/secrets.js';
import {StepError} from '../../source/engine/step-error.js';
import {goldenCases} from '../core/artifacts-plans.js';
import {FakeHost} from '../support/fake-host.js';

const plan = goldenCases['A']!; // CPs rpi4-a, rpi4-b, nas; workers opi5, nuc
const all = (): PlanNode[] => [...plan.nodes];
const cps = (): PlanNode[] => plan.nodes.filter((node) => node.role === 'control-plane');
const workers = (): PlanNode[] => plan.nodes.filter((node) => node.role === 'worker');

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return {promise, resolve};
};

const harness = (phases: Phase[], extra: Partial<RunnerOptions> = {}) => {
  const events: RunEvent[] = [];
  const hosts = new Map<string, FakeHost>();
  let made = 0;
  const options: RunnerOptions = {
    plan,
    phases,
    hostFactory: (node) => {
      made++;
      const host = new FakeHost(node.name).on(['true']);
      hosts.set(node.name, host);
      return host;
    },
    workstation: new FakeHost('workstation'),
    workstationKubeconfig: '/home/u/.kube/config',
    onEvent: (event) => events.push(event),
    sleep: async () => {},
    ...extra,
  };
  return {events, hosts, made: () => made, run: () => runPhases(options)};
};

const phase = (id: string, overrides: Partial<Phase> = {}): Phase => ({
  id,
  title: id,
  mode: 'parallel',
  hosts: all,
  apply: async (step) => {
    await step.host.run(['true'], {mutates: true});
  },
  ...overrides,
});

const steps = (events: RunEvent[], type: 'host-step-started' | 'host-step-finished') =>
  events.flatMap((event) => (event.type === type ? [`${event.phase}:${event.host}`] : []));

describe('runPhases', () => {
  it('prints no listener-leak warning when many commands wait on the stop signal at once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const gate = deferred();
      let waiting = 0;
      // Three commands in flight on each of 5 hosts, each listening for Ctrl-C: past Node's default of 10.
      const busy = phase('busy', {
        apply: async (step) => {
          for (let i = 0; i < 3; i++) step.signal.addEventListener('abort', () => {});
          if (++waiting === all().length) gate.resolve();
          await gate.promise;
        },
      });
      const rig = harness([busy], {signal: new AbortController().signal});
      expect((await rig.run()).ok).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('runs phases in list order, each host once, one Host per node for the whole run', async () => {
    const rig = harness([phase('a'), phase('b', {hosts: cps}), phase('c', {hosts: workers})]);
    const outcome = await rig.run();
    expect(outcome).toMatchObject({ok: true, changed: true, aborted: false});
    const phaseOrder = rig.events.flatMap((event) =>
      event.type === 'phase-started' ? [event.phase] : [],
    );
    expect(phaseOrder).toEqual(['a', 'b', 'c']);
    expect(rig.made()).toBe(5);
    for (const host of rig.hosts.values()) expect(host.closed).toBe(1);
    expect(rig.events[0]).toMatchObject({type: 'run-started'});
    expect(rig.events.at(-1)).toMatchObject({type: 'run-finished', ok: true});
  });

  it('works on hosts of a parallel phase at once, bounded by the concurrency', async () => {
    let running = 0;
    let most = 0;
    const gate = deferred();
    const slow = phase('slow', {
      apply: async () => {
        running++;
        most = Math.max(most, running);
        if (most >= 2) gate.resolve();
        await gate.promise;
        running--;
      },
    });
    const outcome = await harness([slow], {concurrency: 2}).run();
    expect(outcome.ok).toBe(true);
    expect(most).toBe(2);
  });

  it('joins control planes one at a time, in plan order', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const serial = phase('join', {
      mode: 'serial',
      hosts: cps,
      apply: async (step) => {
        running++;
        most = Math.max(most, running);
        order.push(step.node.name);
        await Promise.resolve();
        running--;
      },
    });
    await harness([serial]).run();
    expect(most).toBe(1);
    expect(order).toEqual(['rpi4-a', 'rpi4-b', 'nas']);
  });

  it('skips hosts whose check says done, and says nothing changed when all were', async () => {
    let applied = 0;
    const rig = harness([
      phase('a', {
        check: async () => 'already set',
        apply: async () => {
          applied++;
        },
      }),
    ]);
    const outcome = await rig.run();
    expect(applied).toBe(0);
    expect(outcome).toMatchObject({ok: true, changed: false});
    expect(rig.events).toContainEqual(
      expect.objectContaining({type: 'phase-finished', phase: 'a', status: 'skipped'}),
    );
    expect(rig.events).toContainEqual(
      expect.objectContaining({
        type: 'host-step-finished',
        host: 'nas',
        status: 'skipped',
        note: 'already set',
      }),
    );
  });

  it('lets the other hosts of a parallel phase finish, reports all failures at once, and runs nothing after', async () => {
    const failing = phase('containerd', {
      apply: async (step) => {
        if (step.node.name === 'nuc' || step.node.name === 'nas') {
          await step.host.run(['systemctl', 'restart', 'containerd'], {
            sudo: true,
            mutates: true,
            suggestion: 'journalctl -u containerd',
          });
        }
      },
    });
    const rig = harness([failing, phase('after')]);
    const outcome = await rig.run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      [
        'containerd failed on 2 hosts:',
        '- nas: systemctl restart containerd failed on nas (exit code 127)',
        '- nuc: systemctl restart containerd failed on nuc (exit code 127)',
      ].join('\n'),
    );
    expect(steps(rig.events, 'host-step-finished')).toHaveLength(5);
    const nuc = rig.events.find(
      (event) => event.type === 'host-step-finished' && event.host === 'nuc',
    );
    expect(nuc).toMatchObject({
      status: 'failed',
      failure: {
        command: 'sudo systemctl restart containerd',
        exitCode: 127,
        stderrTail: ['sh: 1: systemctl: not found (FakeHost: no answer)'],
        suggestion: 'journalctl -u containerd',
      },
    });
    expect(
      rig.events.some((event) => event.type === 'phase-started' && event.phase === 'after'),
    ).toBe(false);
  });

  it('stops a serial phase at its first failure', async () => {
    const order: string[] = [];
    const rig = harness([
      phase('join', {
        mode: 'serial',
        hosts: cps,
        apply: async (step) => {
          order.push(step.node.name);
          if (step.node.name === 'rpi4-b')
            throw new StepError({message: 'join refused', stderrTail: []});
        },
      }),
    ]);
    const outcome = await rig.run();
    expect(order).toEqual(['rpi4-a', 'rpi4-b']);
    expect(outcome.error).toBe('join failed on rpi4-b: join refused');
  });

  it('keepGoing (reset): a failed host drops out of later phases, the others go on, serial too', async () => {
    const order: string[] = [];
    const rig = harness(
      [
        phase('reach', {
          check: async (step) => {
            if (step.node.name === 'nas')
              throw new StepError({message: 'nas is unreachable', stderrTail: []});
            return false;
          },
        }),
        phase('serial', {
          mode: 'serial',
          hosts: all,
          apply: async (step) => {
            order.push(step.node.name);
            if (step.node.name === 'opi5')
              throw new StepError({message: 'opi5 refused', stderrTail: []});
          },
        }),
        phase('last', {hosts: all}),
      ],
      {keepGoing: true},
    );
    const outcome = await rig.run();
    expect(order).toEqual(['rpi4-a', 'rpi4-b', 'opi5', 'nuc']);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      ['reach failed on nas: nas is unreachable', 'serial failed on opi5: opi5 refused'].join('\n'),
    );
    const finished = (phaseId: string) =>
      rig.events.flatMap((event) =>
        event.type === 'host-step-finished' && event.phase === phaseId
          ? [`${event.host}:${event.status}`]
          : [],
      );
    expect(finished('last').sort()).toEqual([
      'nas:failed',
      'nuc:done',
      'opi5:failed',
      'rpi4-a:done',
      'rpi4-b:done',
    ]);
    expect(
      rig.events.find(
        (event) =>
          event.type === 'host-step-finished' && event.phase === 'last' && event.host === 'nas',
      ),
    ).toMatchObject({failure: {message: 'not tried: an earlier step failed on nas'}});
    expect(
      rig.hosts
        .get('nas')
        ?.lines()
        .filter((line) => line === 'true'),
    ).toEqual([]);
  });

  it('runs prepare once, before any apply, only when some host needs work', async () => {
    const log: string[] = [];
    const rig = harness([
      phase('workers', {
        hosts: workers,
        check: async (step) => step.node.name === 'opi5',
        prepare: async (_context, nodes) => {
          log.push(`prepare ${nodes.map((node) => node.name).join(',')}`);
        },
        apply: async (step) => {
          log.push(`apply ${step.node.name}`);
        },
      }),
    ]);
    await rig.run();
    expect(log).toEqual(['prepare nuc', 'apply nuc']);
  });

  it('stops on abort: the running step ends, no later phase starts, the outcome says aborted', async () => {
    const controller = new AbortController();
    const rig = harness(
      [
        phase('long', {
          hosts: cps,
          apply: async (step) => {
            if (step.node.name === 'rpi4-a') controller.abort();
            await step.host.run(['sleep', '1']);
          },
        }),
        phase('never'),
      ],
      {signal: controller.signal},
    );
    const outcome = await rig.run();
    expect(outcome).toMatchObject({ok: false, aborted: true});
    expect(
      rig.events.some((event) => event.type === 'phase-started' && event.phase === 'never'),
    ).toBe(false);
    expect(rig.events.at(-1)).toMatchObject({type: 'run-finished', aborted: true});
  });

  it('never lets a secret out: not in events, output lines, failures or the outcome', async () => {
    const secrets = new SecretStore();
    const token = secrets.add('abcdef.0123456789abcdef');
    const key = secrets.add('a'.repeat(64));
    const leaky = phase('leaky', {
      hosts: () => cps().slice(0, 1),
      apply: async (step) => {
        const host = (step.host.host as FakeHost).on(/kubeadm/, {
          stdout: `token ${token}\nkey ${key}\nsecret half 0123456789abcdef\n`,
          stderr: `error: bad key ${key}\n`,
          code: 1,
        });
        void host;
        step.emit({type: 'notice', level: 'info', message: `minted ${token}`});
        await step.host.run(['kubeadm', 'token', 'create', token]);
      },
    });
    const rig = harness([leaky], {secrets});
    const outcome = await rig.run();
    const everything = JSON.stringify([rig.events, outcome]);
    expect(everything).not.toContain('0123456789abcdef');
    expect(everything).not.toContain(key);
    expect(everything).toContain('<redacted>');
  });
});
