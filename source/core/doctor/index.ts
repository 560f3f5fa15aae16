// Every check doctor runs, in the order a person should read them: the node's
// own basics first (they explain most refusals), then the endpoint (the
// Tailscale VIP's, or a LAN endpoint's: issue 11), then the tailnet. A check
// with `endpoints` runs only for clusters with one of them.
import type {CheckResult, CheckStatus} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import {acceptRoutes} from './accept-routes.js';
import {apiserverCertSan} from './certificate-san.js';
import {cgroupDriver} from './cgroup-driver.js';
import {clockSkew} from './clock-skew.js';
import {healthGate} from './health-gate.js';
import {keyExpiry} from './key-expiry.js';
import {kubeletActive} from './kubelet-active.js';
import {haproxyBackend} from './haproxy-backend.js';
import {haproxyRunning} from './haproxy-running.js';
import {keepalivedActive} from './keepalived-active.js';
import {kubeVipManifest} from './kube-vip-manifest.js';
import {lanVipHolder} from './lan-vip-holder.js';
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
import {defaultEndpoint} from '../plan/endpoint.js';

export const checks: readonly Check[] = [
  cgroupDriver,
  controlPlaneRestarts,
  kubeletActive,
  swap,
  primaryApiserver,
  healthGate,
  lo1Vip,
  vipAdvertised,
  lanVipHolder,
  keepalivedActive,
  haproxyRunning,
  haproxyBackend,
  kubeVipManifest,
  acceptRoutes,
  routeApproved,
  standbyApproved,
  relayedPath,
  mtu,
  keyExpiry,
  apiserverCertSan,
  clockSkew,
];

/** The checks for a cluster whose API endpoint is `endpoint`. */
export const checksFor = (endpoint = defaultEndpoint): Check[] =>
  checks.filter((check) => check.endpoints === undefined || check.endpoints.includes(endpoint));

export const diagnose = (cluster: ClusterEvidence): CheckResult[] =>
  checksFor(cluster.endpoint).flatMap((check) => check.run(cluster));

/** The worst status: a failure, else something doctor could not look at, else all passed. */
export const overallStatus = (results: readonly CheckResult[]): CheckStatus =>
  results.some((entry) => entry.status === 'fail')
    ? 'fail'
    : results.some((entry) => entry.status === 'unknown')
      ? 'unknown'
      : 'pass';
