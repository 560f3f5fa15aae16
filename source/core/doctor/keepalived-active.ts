// keepalived running on every control plane (issue 11): a node whose
// keepalived is stopped cannot take the VIP over when the holder goes, so the
// endpoint is one failure closer to dark. keepalived + HAProxy only.
import {commandFix, journalText, result} from './check.js';
import {couldNotRun, onlyFor, perHost} from './per-host.js';

const id = 'keepalived-active';

export const keepalivedActive = onlyFor(
  ['keepalived-haproxy'],
  perHost(id, 'keepalived running', ['control-plane'], (host) => {
    const output = host.keepalivedActive;
    if (output === undefined)
      return couldNotRun(id, host.host, 'systemctl is-active keepalived', output);
    const state = output.stdout.trim() || 'unknown';
    const evidence = `systemctl is-active keepalived: ${state}`;
    if (state === 'active')
      return result(id, host.host, 'pass', evidence, `keepalived runs on ${host.host}.`);
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `keepalived does not run on ${host.host}: if the control plane holding the VIP goes away, ${host.host} cannot take the VIP over (and if it held the VIP, it has lost it).`,
      commandFix(
        'Start keepalived; its journal says why it stopped.',
        [['systemctl', 'start', 'keepalived']],
        [journalText('keepalived')],
      ),
    );
  }),
);
