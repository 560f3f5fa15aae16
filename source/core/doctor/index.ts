// Every check doctor runs, in the order a person should read them: the node's
// own basics first (they explain most refusals), then the VIP and the tailnet.
import type {CheckResult, CheckStatus} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import {acceptRoutes} from './accept-routes.js';
import {apiserverCertSan} from './certificate-san.js';
import {cgroupDriver} from './cgroup-driver.js';
import {clockSkew} from './clock-skew.js';
import {healthGate} from './health-gate.js';
import {keyExpiry} from './key-expiry.js';
import {kubeletActive} from './kubelet-active.js';
import {lo1Vip} from './lo1-vip.js';
import {mtu} from './mtu.js';
import type {Check} from './per-host.js';
import {primaryApiserver} from './primary-apiserver.js';
import {relayedPath} from './relayed-path.js';
import {controlPlaneRestarts} from './restarts.js';
import {routeApproved} from './route-approved.js';
import {standbyApproved} from './standby-approved.js';
import {swap} from './swap.js';
import {vipAdvertised} from './vip-advertised.js';

export const checks: readonly Check[] = [
  cgroupDriver,
  controlPlaneRestarts,
  kubeletActive,
  swap,
  primaryApiserver,
  healthGate,
  lo1Vip,
  vipAdvertised,
  acceptRoutes,
  routeApproved,
  standbyApproved,
  relayedPath,
  mtu,
  keyExpiry,
  apiserverCertSan,
  clockSkew,
];

export const diagnose = (cluster: ClusterEvidence): CheckResult[] =>
  checks.flatMap((check) => check.run(cluster));

/** The worst status: a failure, else something doctor could not look at, else all passed. */
export const overallStatus = (results: readonly CheckResult[]): CheckStatus =>
  results.some((entry) => entry.status === 'fail')
    ? 'fail'
    : results.some((entry) => entry.status === 'unknown')
      ? 'unknown'
      : 'pass';
