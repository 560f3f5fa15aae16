// Most checks judge each host of a role on its own evidence. This runs one
// such judgement over the hosts it concerns and turns an unreachable host or
// evidence that was never collected into `unknown`, in one place.
import type {EndpointKind} from '../plan/endpoint.js';
import type {Role} from '../plan/types.js';
import {firstLine, result, type CheckResult} from './check.js';
import type {ClusterEvidence, CommandOutput, HostEvidence} from './evidence.js';

export interface Check {
  readonly id: string;
  /** A few words for headings: "containerd and kubelet cgroup driver". */
  readonly title: string;
  readonly run: (cluster: ClusterEvidence) => CheckResult[];
  /** Only for clusters with one of these endpoints (issue 11); every cluster when absent. */
  readonly endpoints?: readonly EndpointKind[];
}

/** The same check, run only for clusters whose API endpoint is one of `endpoints`. */
export const onlyFor = (endpoints: readonly EndpointKind[], check: Check): Check => ({
  ...check,
  endpoints,
});

export const perHost = (
  id: string,
  title: string,
  roles: readonly Role[],
  judge: (host: HostEvidence, cluster: ClusterEvidence) => CheckResult,
): Check => ({
  id,
  title,
  run: (cluster) =>
    cluster.hosts
      .filter((host) => roles.includes(host.role))
      .map((host) =>
        host.unreachable === undefined
          ? judge(host, cluster)
          : result(
              id,
              host.host,
              'unknown',
              host.unreachable,
              `Doctor could not reach ${host.host}.`,
            ),
      ),
});

/** `unknown` for a command that did not run or failed: says which and why. */
export const couldNotRun = (
  id: string,
  host: string,
  command: string,
  output: CommandOutput | undefined,
): CheckResult =>
  result(
    id,
    host,
    'unknown',
    output === undefined
      ? `${command}: not run`
      : `${command}: exit ${output.code ?? 'signal'}${firstLine(output.stderr) ? `: ${firstLine(output.stderr)}` : ''}`,
    `Doctor could not read this on ${host}.`,
  );

/** Whether curl's /readyz answer says ready (curl exits 0 on a 500 too: the body decides). */
export const isReady = (readyz: CommandOutput | undefined): boolean =>
  readyz !== undefined && readyz.code === 0 && readyz.stdout.trim() === 'ok';

// curl(1) EXIT CODES: the ones a dead or wrong apiserver gives.
const curlErrors: Readonly<Record<number, string>> = {
  7: 'connection refused (nothing listens on 6443)',
  28: 'timed out',
  35: 'TLS handshake failed',
  52: 'empty reply',
  56: 'connection reset',
};

/** What `curl -sk https://…/readyz` got, in a few words. */
export const readyzText = (readyz: CommandOutput | undefined): string => {
  if (readyz === undefined) return 'not asked';
  if (isReady(readyz)) return 'ok';
  if (readyz.code === 0) return `answered ${JSON.stringify(firstLine(readyz.stdout).slice(0, 80))}`;
  return curlErrors[readyz.code ?? -1] ?? `curl exit ${readyz.code ?? 'signal'}`;
};

/**
 * A control plane whose apiserver is not ready should hold neither the VIP nor
 * its route (the health gate withdraws both): their absence is then a pass.
 */
export const withdrawnOnPurpose = (
  id: string,
  host: HostEvidence,
  evidence: string,
  what: string,
): CheckResult | undefined =>
  isReady(host.readyz)
    ? undefined
    : result(
        id,
        host.host,
        'pass',
        evidence,
        `${host.host}'s apiserver is not ready, so it should not ${what} (the health gate withdraws it); see the apiserver checks.`,
      );
