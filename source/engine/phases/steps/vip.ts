// The VIP on lo1 and its advertised route (DOMAIN.md phase 6), shared by the
// first control plane and every joining one (phase 9, after its own /readyz).
import {lo1Netdev, lo1Network, lo1Interface} from '../../../core/artifacts/networkd.js';
import {nmcliAddLo1Argv} from '../../../core/artifacts/nmcli.js';
import {advertiseRoutesArgv} from '../../../core/artifacts/tailscale-routes.js';
import {vipRoute} from '../../../core/artifacts/vip.js';
import {lo1StateOf, type Lo1State} from '../../../core/net/ip-addr.js';
import type {HostCommands} from '../../host-commands.js';
import {StepError} from '../../step-error.js';
import type {StepContext} from '../phase.js';
import {recordChange, writeRecorded} from './recorded.js';
import {readPrefs} from './tailscale.js';

export const networkdPaths = {
  netdev: '/etc/systemd/network/lo1.netdev',
  network: '/etc/systemd/network/lo1.network',
} as const;

/** `absent` when lo1 does not exist; else whether it holds the VIP as a /32. */
export const lo1State = async (host: HostCommands, vip: string): Promise<Lo1State> => {
  const result = await host.run(['ip', '-j', 'addr', 'show', 'dev', lo1Interface], {
    allowFailure: true,
    quiet: true,
  });
  return lo1StateOf(result.code, result.stdout, vip);
};

export const vipRouteAdvertised = async (host: HostCommands, vip: string): Promise<boolean> =>
  (await readPrefs(host)).advertiseRoutes.includes(vipRoute(vip));

/** Both the address and the route are in place. */
export const vipInPlace = async (step: StepContext): Promise<boolean> =>
  (await lo1State(step.host, step.plan.network.vip)) === 'with-vip' &&
  (await vipRouteAdvertised(step.host, step.plan.network.vip));

export const ensureVipAddress = async (step: StepContext): Promise<void> => {
  const {host, plan} = step;
  const vip = plan.network.vip;
  const state = await lo1State(host, vip);
  if (state === 'with-vip') return;
  const manager = step.memory.facts.get(step.node.name)?.networkManager;
  if (manager === 'systemd-networkd') {
    const options = {sudo: true, mode: 0o644} as const;
    const netdev = await writeRecorded(step, networkdPaths.netdev, lo1Netdev(), options);
    const network = await writeRecorded(step, networkdPaths.network, lo1Network(vip), options);
    // A reload creates lo1 from a new .netdev and configures links whose .network
    // is new or changed; with unchanged files current networkd (>= 250) reconfigures
    // nothing (networkctl(1)), so a VIP withdrawn by the health gate or by hand
    // would never come back from a reload alone.
    if (state === 'absent' || netdev || network)
      await host.run(['networkctl', 'reload'], {sudo: true, mutates: true});
    // lo1 exists: put the address on it directly, which works on every networkd
    // (`networkctl reconfigure` needs systemd 246) and is what lo1.network says anyway.
    if (state === 'without-vip')
      await host.run(['ip', 'addr', 'replace', vipRoute(vip), 'dev', lo1Interface], {
        sudo: true,
        mutates: true,
      });
  } else if (manager === 'NetworkManager') {
    if (state === 'absent') {
      recordChange(step, {kind: 'nm-connection', name: lo1Interface});
      await host.run(nmcliAddLo1Argv(vip), {sudo: true, mutates: true});
    }
    await host.run(['nmcli', 'connection', 'up', lo1Interface], {sudo: true, mutates: true});
  } else {
    throw new StepError({
      message: `${host.name} runs neither systemd-networkd nor NetworkManager, so ha-wizard cannot add ${lo1Interface}`,
      stderrTail: [],
      suggestion: `Enable systemd-networkd (systemctl enable --now systemd-networkd) and run ha-wizard apply again.`,
    });
  }
  // networkd applies a reload asynchronously: give it a few seconds.
  for (let attempt = 0; attempt < 10; attempt++) {
    if ((await lo1State(host, vip)) === 'with-vip') return;
    await step.sleep(500);
  }
  throw new StepError({
    message: `${vipRoute(vip)} did not appear on ${lo1Interface} on ${host.name}`,
    command: `ip -j addr show dev ${lo1Interface}`,
    stderrTail: [],
    suggestion:
      manager === 'systemd-networkd'
        ? 'Check networkctl status lo1 and journalctl -u systemd-networkd.'
        : 'Check nmcli connection show lo1 and journalctl -u NetworkManager.',
  });
};

/** Advertise VIP/32 with the node's other routes (the list is replaced, DOMAIN.md phase 5). */
export const ensureVipRoute = async (step: StepContext): Promise<void> => {
  const vip = step.plan.network.vip;
  const prefs = await readPrefs(step.host);
  if (prefs.advertiseRoutes.includes(vipRoute(vip))) return;
  recordChange(step, {kind: 'advertise-routes', previous: prefs.advertiseRoutes});
  await step.host.run(advertiseRoutesArgv(prefs.advertiseRoutes, vip), {
    sudo: true,
    mutates: true,
  });
};
