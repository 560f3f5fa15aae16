// coordination.k8s.io Leases in the simulated cluster, with client-go's
// leader election rules (k8s.io/client-go/tools/leaderelection,
// tryAcquireOrRenew and release), which kube-vip's election uses
// (pkg/election/election.go: a LeaseLock, ReleaseOnCancel: true). Pure.
import type {ClusterState, SimLease} from './cluster.js';

export const leaseKey = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * One tryAcquireOrRenew by `identity`: it renews its own lease, takes a free
 * (released) or expired one, and leaves one another holds within its
 * duration alone. Returns the new state and whether `identity` leads now.
 */
export const acquireOrRenew = (
  state: ClusterState,
  key: string,
  identity: string,
  durationSeconds: number,
  now: number,
): [ClusterState, boolean] => {
  const lease = state.leases?.[key];
  if (
    lease !== undefined &&
    lease.holder !== '' &&
    lease.holder !== identity &&
    lease.renewTime + lease.durationSeconds * 1000 > now
  )
    return [state, false];
  const next: SimLease =
    lease !== undefined && lease.holder === identity
      ? {...lease, renewTime: now, durationSeconds}
      : {
          holder: identity,
          acquireTime: now,
          renewTime: now,
          durationSeconds,
          transitions: lease === undefined ? 0 : lease.transitions + 1,
        };
  return [{...state, leases: {...state.leases, [key]: next}}, true];
};

/** client-go's release on cancel: the holder empties the lease (duration 1 s) so another takes it at once. */
export const releaseLease = (
  state: ClusterState,
  key: string,
  identity: string,
  now: number,
): ClusterState => {
  const lease = state.leases?.[key];
  if (lease === undefined || lease.holder !== identity) return state;
  return {
    ...state,
    leases: {...state.leases, [key]: {...lease, holder: '', renewTime: now, durationSeconds: 1}},
  };
};

/** Who holds the lease now (undefined when free or expired). */
export const leaseHolder = (
  state: ClusterState | undefined,
  key: string,
  now: number,
): string | undefined => {
  const lease = state?.leases?.[key];
  if (!lease || lease.holder === '') return undefined;
  return lease.renewTime + lease.durationSeconds * 1000 > now ? lease.holder : undefined;
};
