// Reading Tailscale's state on a host: `tailscale debug prefs` for this node's
// own flags (AdvertiseRoutes, RouteAll), `tailscale status --json` for who
// routes what (DOMAIN.md phases 5 and 7).
import {nodeName} from '../../../core/tailnet/node-name.js';
import {parseStatus} from '../../../core/tailnet/parse-status.js';
import {parsePrefs, type Prefs} from '../../../core/tailnet/prefs.js';
import type {HostCommands} from '../../host-commands.js';
import {StepError} from '../../step-error.js';

export type {Prefs} from '../../../core/tailnet/prefs.js';

export const readPrefs = async (host: HostCommands): Promise<Prefs> => {
  const {stdout} = await host.run(['tailscale', 'debug', 'prefs'], {quiet: true});
  const prefs = parsePrefs(stdout);
  if (prefs === undefined) {
    throw new StepError({
      message: `tailscale debug prefs on ${host.name} did not print JSON`,
      command: 'tailscale debug prefs',
      stderrTail: stdout.split('\n').slice(0, 3),
      suggestion: 'Check that tailscaled runs (systemctl status tailscaled).',
    });
  }
  return prefs;
};

/** Node name of the device the tailnet routes `route` to, as `host` sees it. */
export const primaryRouter = async (
  host: HostCommands,
  route: string,
): Promise<string | undefined> => {
  const {stdout} = await host.run(['tailscale', 'status', '--json'], {quiet: true});
  const tailnet = parseStatus(stdout, `tailscale status --json on ${host.name}`);
  const peer = tailnet.peers.find((candidate) => candidate.primaryRoutes.includes(route));
  return peer === undefined ? undefined : nodeName(peer);
};
