// The failover drills on a lab cluster the wizard built, on the real tailnet,
// as timings: the lab tests assert around them, `npm run bench`
// (bench/lab.ts) reports them. Each is measured from a worker, as a person's
// kubectl would see the VIP.
import {defaultVip} from './config.js';
import {
  cutHost,
  hostExec,
  mendHost,
  startTailscaled,
  stopTailscaled,
  type LabState,
} from './lab.js';
import {sleep} from './system.js';
import {workstationStatus} from './tailnet.js';

interface StatusNode {
  HostName?: string;
  PrimaryRoutes?: string[] | null;
}

/** The node the workstation's `tailscale status` names as the VIP's primary router, now. */
export const vipPrimary = async (vip = defaultVip): Promise<string | undefined> => {
  const status = JSON.parse(await workstationStatus()) as {
    Self?: StatusNode;
    Peer?: Record<string, StatusNode>;
  };
  const nodes = [status.Self, ...Object.values(status.Peer ?? {})];
  return nodes.find((node) => node?.PrimaryRoutes?.includes(`${vip}/32`))?.HostName;
};

/** readyz through the VIP from `from` (a worker), across the tailnet router. */
export const vipAnswersFrom = async (state: LabState, from: string, vip = defaultVip) =>
  (
    await hostExec(state, from, ['curl', '-sk', '--max-time', '1', `https://${vip}:6443/readyz`], {
      timeoutMs: 5_000,
    })
  ).stdout === 'ok';

/** Polls every 100 ms until pass() holds; seconds since `since`, or throws after timeoutMs. */
export const secondsUntil = async (
  pass: () => Promise<boolean>,
  since: number,
  timeoutMs: number,
) => {
  for (;;) {
    if (await pass()) return (performance.now() - since) / 1000;
    if (performance.now() - since > timeoutMs) throw new Error(`not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
};

const root = async (state: LabState, host: string, script: string) => {
  const result = await hostExec(state, host, ['bash', '-c', script], {timeoutMs: 30_000});
  if (result.code !== 0)
    throw new Error(`${host}: ${script} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

/** Seconds from `cause` until another node is the primary and the VIP answers from `from`. */
const failover = async (
  state: LabState,
  from: string,
  cause: (victim: string) => Promise<void>,
  timeoutMs = 90_000,
) => {
  const victim = await vipPrimary();
  if (!victim) throw new Error('no node is the VIP primary router');
  if (!(await vipAnswersFrom(state, from)))
    throw new Error('the VIP does not answer before the drill');
  const t0 = performance.now();
  await cause(victim);
  const seconds = await secondsUntil(
    async () => {
      const now = await vipPrimary();
      return now !== victim && now !== undefined && (await vipAnswersFrom(state, from));
    },
    t0,
    timeoutMs,
  );
  return {victim, seconds};
};

/** A control plane's apiserver stopped as a drill does it: its static pod manifest moved out (kubelet stops the pod). */
export const stopApiserver =
  'mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.drill';
export const startApiserver =
  'mv /etc/kubernetes/kube-apiserver.yaml.drill /etc/kubernetes/manifests/kube-apiserver.yaml';

/**
 * The primary's tailscaled stops (the node leaves the tailnet): Headscale marks it offline once
 * its map session is gone past the reconnect grace, and elects another router. Started again after.
 */
export const tailscaledStoppedDrill = async (state: LabState, from: string) => {
  const result = await failover(state, from, (victim) => stopTailscaled(victim));
  await startTailscaled(state, result.victim);
  return result;
};

/**
 * The primary's cable is pulled: no goodbye reaches anyone, so only Headscale's HA prober finds
 * it (within its probe interval plus timeout). The link comes back after.
 */
export const linkCutDrill = async (state: LabState, from: string) => {
  let victim = '';
  try {
    const result = await failover(state, from, async (node) => {
      victim = node;
      await cutHost(node);
    });
    return result;
  } finally {
    if (victim) await mendHost(victim);
  }
};

/** The primary's apiserver stops, its tailscale stays up (the health gate's failover). */
export const apiserverStoppedDrill = async (state: LabState, from: string) => {
  const result = await failover(state, from, async (victim) => {
    await root(state, victim, stopApiserver);
  });
  return {
    ...result,
    /** Starts the apiserver again (the gate then puts the VIP back on it). */
    restore: () => root(state, result.victim, startApiserver),
  };
};

/**
 * The black hole the gate exists for: the primary's apiserver stops with its gate stopped too.
 * Returns how long the VIP stayed dark within `watchSeconds` (all of it, when nothing moved the
 * route), then starts both again.
 */
export const apiserverStoppedWithoutGate = async (
  state: LabState,
  from: string,
  watchSeconds: number,
) => {
  const victim = await vipPrimary();
  if (!victim) throw new Error('no node is the VIP primary router');
  await root(state, victim, 'systemctl stop ha-wizard-health-gate.service');
  await root(state, victim, stopApiserver);
  // From the moment the apiserver is really gone (its kubelet notices the manifest leave).
  await secondsUntil(
    async () =>
      (
        await hostExec(
          state,
          victim,
          ['curl', '-sk', '--max-time', '1', 'https://127.0.0.1:6443/readyz'],
          {
            timeoutMs: 5_000,
          },
        )
      ).stdout !== 'ok',
    performance.now(),
    30_000,
  );
  const t0 = performance.now();
  let answered: number | undefined;
  while ((performance.now() - t0) / 1000 < watchSeconds) {
    if (await vipAnswersFrom(state, from)) {
      answered = (performance.now() - t0) / 1000;
      break;
    }
    await sleep(250);
  }
  const stillPrimary = (await vipPrimary()) === victim;
  await root(state, victim, startApiserver);
  await root(state, victim, 'systemctl start ha-wizard-health-gate.service');
  return {victim, answered, stillPrimary, watchedSeconds: watchSeconds};
};
