// Preflight's look at a control plane's LAN for the LAN endpoints (issue 11):
// which interface the VIP will go on, its prefix and the node's own address
// there, read with `ip` (no change). The plan could only guess them from
// `tailscale status`; here they are certain.
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {lanSideOf, parseAddresses, parseRouteGet, type LanSide} from '../../core/net/lan-side.js';
import {isLanEndpoint} from '../../core/plan/endpoint.js';
import type {HostCommands} from '../host-commands.js';
import {StepError} from '../step-error.js';
import type {StepContext} from './phase.js';

export const addressesArgv = (): string[] => ['ip', '-j', '-4', 'addr', 'show'];

/** This host's IPv4 addresses, with their interfaces. */
export const readAddresses = async (host: HostCommands) =>
  parseAddresses((await host.run(addressesArgv(), {quiet: true})).stdout);

/** Reads and remembers a control plane's LAN side; a note naming the interface, or undefined. */
export const checkLanSide = async (step: StepContext): Promise<string | undefined> => {
  const {plan, node, host} = step;
  if (!isLanEndpoint(plan.network.endpoint) || node.role !== 'control-plane') return undefined;
  const vip = lanVip(plan.network.vip);
  if (vip === undefined)
    throw new StepError({
      message: `The VIP ${plan.network.vip} is not an IPv4 address, which a LAN endpoint needs`,
      stderrTail: [],
      suggestion: "Plan again with --vip set to a free address in the control planes' LAN subnet.",
    });
  const addresses = await readAddresses(host);
  // No route (exit 2, "Network is unreachable") is an answer, not a failure.
  const route = await host.run(['ip', '-j', '-4', 'route', 'get', vip], {
    allowFailure: true,
    quiet: true,
  });
  const side: LanSide | string = lanSideOf(
    node.name,
    vip,
    addresses,
    route.code === 0 ? parseRouteGet(route.stdout) : undefined,
  );
  if (typeof side === 'string')
    throw new StepError({
      message: side,
      command: `ip -4 route get ${vip}`,
      stderrTail: [],
      suggestion: 'Nothing was changed; fix it and run ha-wizard apply again.',
    });
  step.memory.lanSides.set(node.name, side);
  return `LAN ${side.interface} ${side.address}/${side.prefix}`;
};
