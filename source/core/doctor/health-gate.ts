// The health gate (core/artifacts/health-gate.ts) active on every control
// plane and agreeing with its apiserver: while the apiserver is not ready the
// gate must have taken the VIP off lo1, or the node black-holes the API.
// Tailscale VIP only: the LAN endpoints follow the apiserver with keepalived's
// check script or kube-vip's lease; the wizard installs no gate for them.
import {healthGateUnitName} from '../artifacts/health-gate.js';
import {vipAddress} from '../artifacts/vip.js';
import {lo1StateOf} from '../net/ip-addr.js';
import {commandFix, result} from './check.js';
import {couldNotRun, isReady, onlyFor, perHost, readyzText} from './per-host.js';

const id = 'health-gate';

export const healthGate = onlyFor(
  ['tailscale-vip'],
  perHost(id, 'health gate', ['control-plane'], (host, cluster) => {
    const output = host.healthGate;
    if (output === undefined)
      return couldNotRun(id, host.host, `systemctl is-active ${healthGateUnitName}`, output);
    const state = output.stdout.trim() || 'unknown';
    const holdsVip =
      host.lo1 !== undefined &&
      lo1StateOf(host.lo1.code, host.lo1.stdout, cluster.vip) === 'with-vip';
    const ready = isReady(host.readyz);
    const evidence = `systemctl is-active ${healthGateUnitName}: ${state}; readyz: ${readyzText(host.readyz)}; ${vipAddress(cluster.vip)} on lo1: ${holdsVip ? 'yes' : 'no'}`;
    const start = commandFix(
      `Start the health gate (if it is not installed, ha-wizard apply installs it); its journal says why it stopped.`,
      [['systemctl', 'enable', '--now', healthGateUnitName]],
      [`sudo journalctl -u ${healthGateUnitName} -n 30 --no-pager`],
    );
    if (state !== 'active')
      return result(
        id,
        host.host,
        'fail',
        evidence,
        `The health gate does not run on ${host.host}: if its apiserver dies, ${host.host} keeps the VIP and its route, and the tailnet keeps sending the API's traffic to a dead apiserver.`,
        start,
      );
    if (!ready && holdsVip)
      return result(
        id,
        host.host,
        'fail',
        evidence,
        `The health gate runs but ${host.host} still holds the VIP while its apiserver is not ready (the gate withdraws it after a few failed polls; if this persists, the gate is stuck).`,
        commandFix('Restart the gate so it re-learns the apiserver’s state.', [
          ['systemctl', 'restart', healthGateUnitName],
        ]),
      );
    return result(
      id,
      host.host,
      'pass',
      evidence,
      ready
        ? 'The health gate runs and the apiserver is ready.'
        : 'The health gate runs and has taken the VIP away while the apiserver is not ready.',
    );
  }),
);
