// The drill's flow against fake hosts, a fake probe and a virtual clock: what
// it runs on the holder, what it measures, and that the holder is put back
// after an error and after Ctrl-C. (The real thing runs in drill.lab.test.ts.)
import {describe, expect, it} from 'vitest';
import type {Holding} from '../../source/core/drill/holder.js';
import {InputError} from '../../source/core/errors.js';
import {HostError} from '../../source/engine/host/host.js';
import {controlPlanes} from '../../source/core/plan/build.js';
import type {PlanNode} from '../../source/core/plan/types.js';
import type {DrillContext, DrillSettings} from '../../source/engine/drill/context.js';
import {prepareDrill, type Prepared} from '../../source/engine/drill/preflight.js';
import {runDrill} from '../../source/engine/drill/run.js';
import {keepalivedHaproxy} from '../../source/engine/drill/keepalived-haproxy.js';
import {kubeVip} from '../../source/engine/drill/kube-vip.js';
import type {EndpointStrategy} from '../../source/engine/drill/strategy.js';
import {FakeHost} from '../support/fake-host.js';
import {demoPlan} from '../support/demo-plan.js';

const plan = demoPlan(new Date('2026-11-24T00:00:00Z'));
const [cp1, cp2] = controlPlanes(plan) as [PlanNode, PlanNode, PlanNode];
const address = '10.200.0.1:6443';

const nodeList = (ready: readonly string[]) =>
  JSON.stringify({
    items: controlPlanes(plan).map((node) => ({
      metadata: {name: node.name},
      status: {conditions: [{type: 'Ready', status: ready.includes(node.name) ? 'True' : 'False'}]},
    })),
  });

/** Where a control plane's apiserver manifest is, and when the drill moved it away. */
interface Apiserver {
  home: boolean;
  stoppedAt?: number;
}

/** A control plane whose kubectl lists `ready` and whose apiserver manifest the drill moves out and back. */
const controlPlaneHost = (
  node: PlanNode,
  ready: readonly string[],
  apiserver: Apiserver,
  now: () => number,
) =>
  new FakeHost(node.name, {'/etc/kubernetes/pki/ca.crt': 'CA'})
    .on(/kubectl --kubeconfig \/etc\/kubernetes\/admin.conf get nodes -o json/, () => ({
      stdout: nodeList(ready),
    }))
    .on(['test', '-f', '/etc/kubernetes/manifests/kube-apiserver.yaml'], () => ({
      code: apiserver.home ? 0 : 1,
    }))
    .on(/^mv -- \/etc\/kubernetes\/manifests\/kube-apiserver.yaml /, () => {
      apiserver.home = false;
      apiserver.stoppedAt = now();
      return {};
    })
    .on(/^sh -c 'if \[ -e "\$2" \]/, () => {
      apiserver.home = true;
      return {};
    });

/** A small world: who holds the VIP, whether the holder's apiserver runs, a virtual clock. */
const world = (
  options: {ready?: readonly string[]; failoverMs?: number; holderThrowsAfterStop?: boolean} = {},
) => {
  let time = 0;
  let holder: PlanNode | undefined = cp1;
  const apiserver: Apiserver = {home: true};
  /** When the holder went off: its apiserver, or its tailscaled. */
  let tailscaledStoppedAt: number | undefined;
  const stoppedAt = () => apiserver.stoppedAt ?? tailscaledStoppedAt;
  const failoverMs = options.failoverMs ?? 4000;
  const hosts = new Map<string, FakeHost>();
  const reopened: string[] = [];
  const created: FakeHost[] = [];
  const make = (node: PlanNode) => {
    const ready = options.ready ?? controlPlanes(plan).map((n) => n.name);
    const host = controlPlaneHost(node, ready, apiserver, () => time)
      .on(/^sh -c 'setsid/, (call) => {
        if (call.argv.includes('tailscaled.service')) tailscaledStoppedAt = time;
        return {};
      })
      .on(['systemctl', 'is-active', 'tailscaled.service'], {stdout: 'active\n'})
      .on(['ip', '-j', 'addr', 'show', 'dev', 'lo1'], {
        stdout: '[{"addr_info":[{"local":"10.200.0.1"}]}]',
      });
    hosts.set(node.name, host);
    created.push(host);
    return host;
  };
  const strategy: EndpointStrategy = {
    kind: 'tailscale-vip',
    address,
    label: 'the Tailscale VIP 10.200.0.1',
    holder: async (): Promise<Holding> => {
      const off = stoppedAt();
      if (options.holderThrowsAfterStop && off !== undefined)
        throw new Error('tailscale status failed');
      if (off !== undefined && time - off >= failoverMs) holder = cp2;
      return holder ? {kind: 'node', node: holder} : {kind: 'none'};
    },
    servedWithout: (before, now) => now.kind === 'node' && now.node.name !== before.name,
    steadyLooks: 1,
    nodeDown: {kind: 'unit', unit: 'tailscaled.service', cutsAccess: true},
    settledWhat: 'the VIP on lo1 again',
    settled: async () => true,
  };
  const controller = new AbortController();
  const lines: string[] = [];
  const ctx: DrillContext = {
    plan,
    strategy,
    hosts: {
      get: (node) => hosts.get(node.name) ?? make(node),
      reopen: (node) => {
        reopened.push(node.name);
        return make(node);
      },
    },
    signal: controller.signal,
    clock: {
      now: () => time,
      sleep: async (ms) => {
        time += ms;
      },
    },
    report: {
      info: (l) => lines.push(l),
      warn: (l) => lines.push(`warning: ${l}`),
      waiting: () => undefined,
    },
  };
  const prepared: Prepared = {
    holder: cp1,
    ready: ['cp1', 'cp2', 'cp3'],
    // The endpoint is dark from the stop until the failover; the holder's own address while stopped.
    probe: async (target) => {
      const off = stoppedAt();
      if (off === undefined) return true;
      if (target === address) return time - off >= failoverMs;
      return apiserver.home;
    },
  };
  return {
    ctx,
    prepared,
    hosts,
    created,
    reopened,
    controller,
    lines,
    time: () => time,
    manifestHome: () => apiserver.home,
  };
};

/** A control plane's `ip -j -4 addr show` on lan0, with the LAN VIP 192.168.1.250 when it holds it. */
const lanAddresses = (own: string, holds: boolean) =>
  JSON.stringify([
    {
      ifname: 'lan0',
      addr_info: [
        {family: 'inet', local: own, prefixlen: 24},
        ...(holds
          ? [{family: 'inet', local: '192.168.1.250', prefixlen: 24, secondary: true}]
          : []),
      ],
    },
  ]);

const settings = (over: Partial<DrillSettings> = {}): DrillSettings => ({
  mode: 'apiserver',
  maxSeconds: 30,
  pollMs: 250,
  drillId: 'feedbeef',
  ...over,
});

describe('runDrill', () => {
  it("stops the holder's apiserver (guard first), measures the failover, puts the manifest back", async () => {
    const w = world();
    const outcome = await runDrill(w.ctx, w.prepared, settings());
    expect(outcome.aborted).toBe(false);
    expect(outcome.restored).toBe(true);
    expect(outcome.result).toMatchObject({
      ok: true,
      holderBefore: cp1.name,
      holderAfter: cp2.name,
      downSeconds: 4,
    });
    expect(outcome.result.restoredSeconds).toBe(0);
    const lines = w.hosts.get(cp1.name)?.lines() ?? [];
    const guard = lines.findIndex((l) => l.startsWith("sudo sh -c 'setsid"));
    const stop = lines.findIndex((l) =>
      l.startsWith('sudo mv -- /etc/kubernetes/manifests/kube-apiserver.yaml'),
    );
    const restore = lines.findIndex((l) => l.startsWith('sudo sh -c \'if [ -e "$2" ]'));
    expect(guard).toBeGreaterThan(-1);
    expect(stop).toBeGreaterThan(guard);
    expect(restore).toBeGreaterThan(stop);
    expect(lines[guard]).toContain('kube-apiserver.yaml.ha-wizard-drill-feedbeef');
    expect(w.manifestHome()).toBe(true);
  });

  it('exit 2 material: the endpoint never came back within max-seconds; the manifest is put back anyway', async () => {
    const w = world({failoverMs: 60_000});
    const outcome = await runDrill(w.ctx, w.prepared, settings({maxSeconds: 5}));
    expect(outcome.result).toMatchObject({ok: false, downSeconds: null, holderAfter: null});
    expect(w.manifestHome()).toBe(true);
  });

  it('puts the manifest back when something fails mid-drill, and rethrows', async () => {
    const w = world({holderThrowsAfterStop: true});
    await expect(runDrill(w.ctx, w.prepared, settings())).rejects.toThrow(
      'tailscale status failed',
    );
    expect(w.manifestHome()).toBe(true);
  });

  it('a connection that drops during the manifest move: the manifest is put back at once, the error stands', async () => {
    const w = world();
    w.ctx.hosts.get(cp1);
    const host = w.hosts.get(cp1.name);
    host?.on(/^mv -- \/etc\/kubernetes\/manifests\/kube-apiserver.yaml /, () => {
      throw new HostError('connection-lost', cp1.name, 'the connection to rpi4-a dropped');
    });
    await expect(runDrill(w.ctx, w.prepared, settings())).rejects.toThrow('dropped');
    expect(host?.lines().some((l) => l.startsWith('sudo sh -c \'if [ -e "$2" ]'))).toBe(true);
  });

  it('Ctrl-C mid-drill: stops watching, puts the manifest back, says so', async () => {
    const w = world({failoverMs: 60_000});
    const sleep = w.ctx.clock.sleep;
    const ctx: DrillContext = {
      ...w.ctx,
      clock: {
        ...w.ctx.clock,
        sleep: async (ms) => {
          await sleep(ms);
          if (w.time() > 2000) w.controller.abort();
        },
      },
    };
    const outcome = await runDrill(ctx, w.prepared, settings());
    expect(outcome.aborted).toBe(true);
    expect(outcome.restored).toBe(true);
    expect(w.manifestHome()).toBe(true);
  });

  it('--node-down: stops the unit with its own restart timer, waits for it (the node cannot be reached), then reconnects', async () => {
    const w = world();
    const outcome = await runDrill(
      w.ctx,
      w.prepared,
      settings({mode: 'node-down', maxSeconds: 30}),
    );
    const lines = w.created.filter((h) => h.name === cp1.name).flatMap((h) => h.lines());
    expect(
      lines.some(
        (l) =>
          l.startsWith("sudo sh -c 'setsid") &&
          l.endsWith('tailscaled.service 35 1 /run/ha-wizard-drill-feedbeef'),
      ),
    ).toBe(true);
    // Nothing starts tailscaled from here: its own timer does, max-seconds + 5 after the stop.
    expect(lines.some((l) => l.startsWith('sudo systemctl start'))).toBe(false);
    expect(w.time()).toBeGreaterThanOrEqual(36_000);
    expect(w.lines.some((l) => /starts tailscaled again by itself in \d+ s/.test(l))).toBe(true);
    expect(w.reopened).toEqual([cp1.name]);
    expect(outcome.result.ok).toBe(true);
  });
});

describe('prepareDrill refuses, changing nothing', () => {
  const noStop = (w: ReturnType<typeof world>) =>
    expect(
      [...w.hosts.values()].flatMap((h) => h.lines()).filter((l) => /mv --|setsid/.test(l)),
    ).toEqual([]);

  it('when fewer than two control planes are Ready', async () => {
    const w = world({ready: [cp1.name]});
    const refused = prepareDrill(w.ctx, settings());
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(
      `Only ${cp1.name} of the control planes rpi4-a, rpi4-b, opi5 is Ready; a drill needs two, or it would take the API down.`,
    );
    noStop(w);
  });

  it('when the plan has one control plane', async () => {
    const w = world();
    const single = {
      ...plan,
      nodes: plan.nodes.filter((n) => n.role === 'worker' || n.name === cp1.name),
    };
    await expect(prepareDrill({...w.ctx, plan: single}, settings())).rejects.toThrow(
      /one control plane; with nowhere to fail over to/,
    );
  });

  it('when the endpoint does not answer now (the CA check fails, or nothing listens)', async () => {
    // The CA here is no certificate: the real probe cannot verify anything, so nothing answers.
    const w = world();
    await expect(prepareDrill(w.ctx, settings())).rejects.toThrow(
      /The endpoint https:\/\/10\.200\.0\.1:6443\/readyz does not answer ok from here now/,
    );
    noStop(w);
  });
});

describe('runDrill on keepalived + HAProxy (the real strategy, fake hosts)', () => {
  const lanPlan: typeof plan = {
    ...plan,
    network: {...plan.network, endpoint: 'keepalived-haproxy', vip: '192.168.1.250'},
  };
  const lanAddress = '192.168.1.250:8443';
  const [a, b] = controlPlanes(lanPlan) as [PlanNode, PlanNode, PlanNode];

  /**
   * cp1 holds the VIP. Its apiserver goes `kubeletLagMs` after the manifest leaves; HAProxy on
   * cp1 marks it down `markDownMs` after the stop, and until then every third new connection
   * fails. A keepalived stop moves the VIP to cp2 `handOverMs` after it; a start takes it back.
   */
  const lanWorld = (
    options: {kubeletLagMs?: number; handOverMs?: number; splitOnStop?: boolean} = {},
  ) => {
    let time = 0;
    let holders: readonly PlanNode[] = [a];
    const lines: string[] = [];
    const apiserver: Apiserver = {home: true};
    let keepalivedStoppedAt: number | undefined;
    let connections = 0;
    const markDownMs = 5000;
    const hosts = new Map<string, FakeHost>();
    const holding = () => {
      if (
        keepalivedStoppedAt !== undefined &&
        time >= keepalivedStoppedAt + (options.handOverMs ?? 300)
      )
        holders = options.splitOnStop ? [a, b] : [b];
      return holders;
    };
    const make = (node: PlanNode) => {
      const ready = controlPlanes(lanPlan).map((n) => n.name);
      const host = controlPlaneHost(node, ready, apiserver, () => time)
        .on(/^sh -c 'setsid/, (call) => {
          // The node's timer stops keepalived one second (stopLeadSeconds) from now.
          if (call.argv.includes('keepalived.service')) keepalivedStoppedAt = time + 1000;
          return {};
        })
        .on(
          /^sh -c 'rm -f -- "\$2"; exec systemctl start "\$1"' ha-wizard-drill keepalived/,
          () => {
            keepalivedStoppedAt = undefined;
            holders = [a];
            return {};
          },
        )
        .on(['systemctl', 'is-active', 'keepalived.service'], () => ({
          code: keepalivedStoppedAt === undefined || time < keepalivedStoppedAt ? 0 : 3,
          stdout: 'active\n',
        }))
        .on(['systemctl', 'is-active', 'haproxy', 'keepalived'], {stdout: 'active\nactive\n'})
        .on(['ip', '-j', '-4', 'addr', 'show'], () => ({
          stdout: lanAddresses(
            `192.168.1.1${controlPlanes(lanPlan).indexOf(node)}`,
            holding().includes(node),
          ),
        }));
      hosts.set(node.name, host);
      return host;
    };
    const apiserverUp = () =>
      apiserver.stoppedAt === undefined ||
      apiserver.home ||
      time < apiserver.stoppedAt + (options.kubeletLagMs ?? 0);
    const ctx: DrillContext = {
      plan: lanPlan,
      strategy: keepalivedHaproxy(lanPlan),
      hosts: {get: (node) => hosts.get(node.name) ?? make(node), reopen: make},
      signal: new AbortController().signal,
      clock: {now: () => time, sleep: async (ms) => void (time += ms)},
      report: {info: (l) => lines.push(l), warn: (l) => lines.push(l), waiting: () => undefined},
    };
    const prepared: Prepared = {
      holder: a,
      ready: ['cp1', 'cp2', 'cp3'],
      probe: async (target) => {
        if (target !== lanAddress) return apiserverUp();
        const off = apiserver.stoppedAt;
        if (apiserverUp() || off === undefined || time >= off + markDownMs) return true;
        // Round robin over three backends, one of them gone and not yet marked down.
        connections += 1;
        return connections % 3 !== 0;
      },
    };
    return {ctx, prepared, hosts, lines, time: () => time, manifestHome: () => apiserver.home};
  };

  it('apiserver stop: counts the endpoint back only once answers are steady (HAProxy marked the backend down), and the VIP stays', async () => {
    const w = lanWorld({kubeletLagMs: 1000});
    const outcome = await runDrill(w.ctx, w.prepared, settings());
    // Not 0 s (the kubelet had not stopped it yet), nor the first good answer at about 1 s:
    // the first of six good answers in a row, once HAProxy stopped sending to the dead backend.
    expect(outcome.result).toMatchObject({ok: true, holderBefore: 'rpi4-a', holderAfter: 'rpi4-a'});
    expect(outcome.result.downSeconds).toBeGreaterThanOrEqual(4.5);
    expect(outcome.result.downSeconds).toBeLessThanOrEqual(5.25);
    expect(outcome.restored).toBe(true);
    expect(w.manifestHome()).toBe(true);
  });

  it('--node-down: keepalived stops, the VIP moves to the next priority, the drill starts keepalived again itself and disarms the timer', async () => {
    const w = lanWorld();
    const outcome = await runDrill(w.ctx, w.prepared, settings({mode: 'node-down'}));
    expect(outcome.result).toMatchObject({ok: true, holderBefore: 'rpi4-a', holderAfter: 'rpi4-b'});
    expect(outcome.result.downSeconds).toBeLessThan(1);
    expect(outcome.restored).toBe(true);
    const lines = w.hosts.get(a.name)?.lines() ?? [];
    expect(
      lines.some((l) => l.endsWith('keepalived.service 35 1 /run/ha-wizard-drill-feedbeef')),
    ).toBe(true);
    expect(lines).toContain(
      `sudo sh -c 'rm -f -- "$2"; exec systemctl start "$1"' ha-wizard-drill keepalived.service /run/ha-wizard-drill-feedbeef`,
    );
    // No waiting for the node's own timer (35 s): the drill reaches the node and starts it.
    expect(w.time()).toBeLessThan(20_000);
  });

  it('split brain after the stop (the old holder kept the VIP) never counts as served: exit 2 material, keepalived started again', async () => {
    const w = lanWorld({splitOnStop: true});
    const outcome = await runDrill(w.ctx, w.prepared, settings({mode: 'node-down', maxSeconds: 5}));
    expect(outcome.result).toMatchObject({ok: false, downSeconds: null, holderAfter: null});
    expect(
      w.lines.some((l) => l.includes(`last held by ${a.name} and ${b.name} at once (split brain)`)),
    ).toBe(true);
    expect(
      w.hosts
        .get(a.name)
        ?.lines()
        .some((l) => l.includes('exec systemctl start')),
    ).toBe(true);
  });
});

describe('runDrill on kube-vip (the real strategy, fake hosts)', () => {
  const kvPlan: typeof plan = {
    ...plan,
    network: {...plan.network, endpoint: 'kube-vip', vip: '192.168.1.250'},
  };
  const kvAddress = '192.168.1.250:6443';
  const [a, b] = controlPlanes(kvPlan) as [PlanNode, PlanNode, PlanNode];
  const leaseMs = 5000;

  /**
   * cp1 leads. Without its apiserver its kube-vip cannot renew the Lease, and cp2 leads
   * `leaseMs` after the stop; kube-vip stopped (its manifest out) releases the Lease, and cp2
   * leads a second later. Nothing hands the VIP back: kube-vip does not preempt.
   */
  const kvWorld = () => {
    let time = 0;
    const apiserver: Apiserver = {home: true};
    const pod: {home: boolean; stoppedAt?: number} = {home: true};
    const hosts = new Map<string, FakeHost>();
    const leader = () =>
      (apiserver.stoppedAt !== undefined && time >= apiserver.stoppedAt + leaseMs) ||
      (pod.stoppedAt !== undefined && time >= pod.stoppedAt + 1000)
        ? b
        : a;
    const make = (node: PlanNode) => {
      const ready = controlPlanes(kvPlan).map((n) => n.name);
      const host = controlPlaneHost(node, ready, apiserver, () => time)
        .on(/^sh -c 'setsid/, {})
        .on(['test', '-f', '/etc/kubernetes/manifests/kube-vip.yaml'], () => ({
          code: node.name !== a.name || pod.home ? 0 : 1,
        }))
        .on(/^mv -- \/etc\/kubernetes\/manifests\/kube-vip.yaml /, () => {
          pod.home = false;
          pod.stoppedAt = time;
          return {};
        })
        .on(/^sh -c 'if \[ -e "\$2" \].* \/etc\/kubernetes\/manifests\/kube-vip.yaml$/, () => {
          pod.home = true;
          return {};
        })
        .on(['ip', '-j', '-4', 'addr', 'show'], () => ({
          stdout: lanAddresses(
            `192.168.1.1${controlPlanes(kvPlan).indexOf(node)}`,
            leader().name === node.name,
          ),
        }));
      hosts.set(node.name, host);
      return host;
    };
    const ctx: DrillContext = {
      plan: kvPlan,
      strategy: kubeVip(kvPlan),
      hosts: {get: (node) => hosts.get(node.name) ?? make(node), reopen: make},
      signal: new AbortController().signal,
      clock: {now: () => time, sleep: async (ms) => void (time += ms)},
      report: {info: () => undefined, warn: () => undefined, waiting: () => undefined},
    };
    const prepared: Prepared = {
      holder: a,
      ready: ['cp1', 'cp2', 'cp3'],
      // VIP:6443 is the leader's own apiserver: kube-vip balances nothing.
      probe: async (target) =>
        target === kvAddress ? leader().name !== a.name || apiserver.home : apiserver.home,
    };
    const lines = () => hosts.get(a.name)?.lines() ?? [];
    return {ctx, prepared, lines, leader, apiserver, kubeVipPod: pod, time: () => time};
  };

  it('apiserver stop: served again only once another control plane leads, which keeps the VIP after the restore', async () => {
    const w = kvWorld();
    const outcome = await runDrill(w.ctx, w.prepared, settings());
    expect(outcome.result).toMatchObject({ok: true, holderBefore: 'rpi4-a', holderAfter: 'rpi4-b'});
    expect(outcome.result.downSeconds).toBe(leaseMs / 1000);
    expect(outcome.restored).toBe(true);
    expect(w.apiserver.home).toBe(true);
    // No waiting for the VIP to come back to the restored node: it never does.
    expect(w.leader().name).toBe('rpi4-b');
    expect(w.lines().some((l) => l.includes('kube-vip.yaml.ha-wizard-drill'))).toBe(false);
  });

  it("--node-down: kube-vip's manifest leaves the manifests folder under a guard and comes back; the apiserver is left alone", async () => {
    const w = kvWorld();
    const outcome = await runDrill(w.ctx, w.prepared, settings({mode: 'node-down'}));
    expect(outcome.result).toMatchObject({ok: true, holderBefore: 'rpi4-a', holderAfter: 'rpi4-b'});
    expect(outcome.result.downSeconds).toBe(1);
    expect(outcome.restored).toBe(true);
    expect(w.kubeVipPod.home).toBe(true);
    const held = '/etc/kubernetes/kube-vip.yaml.ha-wizard-drill-feedbeef';
    const lines = w.lines();
    const guard = lines.findIndex((l) => l.startsWith("sudo sh -c 'setsid") && l.includes(held));
    const out = lines.indexOf(`sudo mv -- /etc/kubernetes/manifests/kube-vip.yaml ${held}`);
    const back = lines.findIndex(
      (l) =>
        l.startsWith('sudo sh -c \'if [ -e "$2" ]') &&
        l.endsWith(`${held} /etc/kubernetes/manifests/kube-vip.yaml`),
    );
    expect(guard).toBeGreaterThan(-1);
    expect(out).toBeGreaterThan(guard);
    expect(back).toBeGreaterThan(out);
    expect(lines.some((l) => l.includes('kube-apiserver.yaml.ha-wizard-drill'))).toBe(false);
    expect(w.apiserver.stoppedAt).toBeUndefined();
  });
});
