// THE undo list of `ha-wizard reset` (issue 4), run by the same runner as
// apply (so every view shows its progress), with keepGoing: a host that
// cannot be reached drops out and the others are still undone. Each step's
// check is "already undone here?", so a second reset changes nothing. The
// health gate goes first (it would put the VIP back), as do keepalived for
// a keepalived + HAProxy plan and kube-vip for a kube-vip plan, kubeadm next (in reset
// order, core/reset/undo.ts), then the route, lo1, the flag and the config.
import type {RecordedChange} from '../../core/run/changes.js';
import type {Phase} from '../phases/phase.js';
import {resetAcceptRoutes} from './accept-routes.js';
import {resetContainerd} from './containerd.js';
import {resetHealthGate} from './health-gate.js';
import {resetKeepalivedHaproxy} from './keepalived-haproxy.js';
import {resetKubeadm} from './kubeadm.js';
import {resetKubeVip} from './kube-vip.js';
import {resetLo1} from './lo1.js';
import {resetVipRoute} from './vip-route.js';

/** `changes`: the saved run's record; undefined when there is none (undo what is recognised). */
export const resetPhases = (changes: readonly RecordedChange[] | undefined): readonly Phase[] => [
  resetHealthGate(changes),
  resetKeepalivedHaproxy(changes),
  resetKubeVip,
  resetKubeadm,
  resetVipRoute,
  resetLo1(changes),
  resetAcceptRoutes(changes),
  resetContainerd(changes),
];
