// HAProxy running on every control plane and telling doctor what it sees
// (issue 11): the VIP's holder sends the API's traffic to its own HAProxy, so
// a stopped one darkens the endpoint while that node holds the VIP (until
// keepalived's check moves it). Its stats listener on 127.0.0.1 is where
// haproxy-backend reads the backends. keepalived + HAProxy only.
import {haproxyConfigPath, haproxyStatsCsvUrl} from '../artifacts/haproxy.js';
import {commandFix, journalText, firstLine, manualFix, result} from './check.js';
import {parseHaproxyCsv} from './haproxy-stats.js';
import {couldNotRun, onlyFor, perHost} from './per-host.js';

const id = 'haproxy-running';

export const haproxyRunning = onlyFor(
  ['keepalived-haproxy'],
  perHost(id, 'HAProxy running', ['control-plane'], (host) => {
    const output = host.haproxyActive;
    if (output === undefined)
      return couldNotRun(id, host.host, 'systemctl is-active haproxy', output);
    const state = output.stdout.trim() || 'unknown';
    const stats = host.haproxyStats;
    const servers =
      stats !== undefined && stats.code === 0 ? parseHaproxyCsv(stats.stdout) : undefined;
    const statsText =
      servers !== undefined
        ? `${servers.length} servers listed`
        : stats === undefined
          ? 'not asked'
          : stats.code === 0
            ? `not HAProxy's CSV: ${JSON.stringify(firstLine(stats.stdout).slice(0, 60))}`
            : `exit ${stats.code ?? 'signal'}${firstLine(stats.stderr) ? `: ${firstLine(stats.stderr)}` : ''}`;
    const evidence = `systemctl is-active haproxy: ${state}; curl ${haproxyStatsCsvUrl}: ${statsText}`;
    if (state !== 'active')
      return result(
        id,
        host.host,
        'fail',
        evidence,
        `HAProxy does not run on ${host.host}: while ${host.host} holds the VIP, the API's connections to it are refused (keepalived's check moves the VIP away only after about 30 s).`,
        commandFix(
          'Start HAProxy; its journal says why it stopped, and haproxy -c checks its config.',
          [['systemctl', 'start', 'haproxy']],
          [journalText('haproxy'), `sudo haproxy -c -f ${haproxyConfigPath}`],
        ),
      );
    if (servers === undefined)
      return result(
        id,
        host.host,
        'unknown',
        evidence,
        `HAProxy runs on ${host.host} but does not show doctor its backends at ${haproxyStatsCsvUrl}: its haproxy.cfg predates that stats listener, or was changed by hand.`,
        manualFix(
          'Let ha-wizard write haproxy.cfg again (backed up first); it adds the stats listener on 127.0.0.1 only.',
          ['ha-wizard apply --plan DIR'],
        ),
      );
    return result(id, host.host, 'pass', evidence, `HAProxy runs on ${host.host}.`);
  }),
);
