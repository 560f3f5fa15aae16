// The two failover drills on a lab cluster the wizard built, as timings: the
// lab tests assert around them, `npm run bench` (bench/lab.ts) reports them.
// Both are measured from a worker, as a person's kubectl would see the VIP.
import {readFileSync} from 'node:fs';
import {defaultVip} from './config.js';
import {hostExec, type LabState} from './lab.js';
import {sleep} from './system.js';

interface StatusNode {
  HostName?: string;
  PrimaryRoutes?: string[] | null;
}

/** The node the workstation's tailscale status names as the VIP's primary router. */
export const vipPrimary = (state: LabState, vip = defaultVip): string | undefined => {
  const status = JSON.parse(readFileSync(state.statusFile, 'utf8')) as {
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
) => {
  const victim = vipPrimary(state);
  if (!victim) throw new Error('no node is the VIP primary router');
  if (!(await vipAnswersFrom(state, from)))
    throw new Error('the VIP does not answer before the drill');
  const t0 = performance.now();
  await cause(victim);
  const seconds = await secondsUntil(
    async () => {
      const now = vipPrimary(state);
      return now !== victim && now !== undefined && (await vipAnswersFrom(state, from));
    },
    t0,
    60_000,
  );
  return {victim, seconds};
};

/** Drill 1: the primary's tailscale goes down (Tailscale's own failover). Brings it back after. */
export const nodeOfflineDrill = async (state: LabState, from: string) => {
  const result = await failover(state, from, (victim) =>
    root(state, victim, 'tailscale down').then(() => {}),
  );
  await root(state, result.victim, 'tailscale up');
  return result;
};

/** Drill 2: the primary's apiserver stops, its tailscale stays up (the health gate's failover). */
export const apiserverStoppedDrill = async (state: LabState, from: string) => {
  const result = await failover(state, from, async (victim) => {
    await root(
      state,
      victim,
      'mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.drill',
    );
  });
  return {
    ...result,
    /** Starts the apiserver again (the gate then puts the VIP back on it). */
    restore: () =>
      root(
        state,
        result.victim,
        'mv /etc/kubernetes/kube-apiserver.yaml.drill /etc/kubernetes/manifests/kube-apiserver.yaml',
      ),
  };
};
