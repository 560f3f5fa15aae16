// npm run lab -- up|down|status|approve ...   (see test/lab/README.md)
import {Command, InvalidArgumentError} from 'commander';
import {defaultOptions, type ContainerdChoice, type NetworkManagerChoice} from './config.js';
import {down, installHelm, isUp, readLab, relay, summary, up} from './lab.js';
import {approveRoutes, refreshStatusFile} from './tailnet.js';
import {LabError} from './system.js';

const whole = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
};
const seconds = (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError('expected seconds (>= 0)');
  return number;
};

const program = new Command('lab')
  .description(
    'hwlab: real sshd hosts in network namespaces, real routing, a real tailnet (tailscaled + Headscale)',
  )
  .showHelpAfterError('(npm run lab -- --help for usage)')
  .configureOutput({outputError: (text, write) => write(text)});

program
  .command('up')
  .description('start the hosts (cp1..cpN, w1..wM) and print where they are')
  .option('--control-planes <n>', 'control-plane hosts', whole, defaultOptions.controlPlanes)
  .option('--workers <n>', 'worker hosts', whole, defaultOptions.workers)
  .option('--network-manager <kind>', 'networkd | nm | mixed', defaultOptions.networkManager)
  .option(
    '--containerd <major>',
    '1 (config version 2) | 2 (config version 3) | mixed',
    defaultOptions.containerd,
  )
  .option(
    '--ha-probe-interval <seconds>',
    "Headscale's HA probe interval (timeout half of it): how fast a silent primary router is found",
    seconds,
    defaultOptions.haProbeInterval,
  )
  .option(
    '--require-approval',
    'no autoApprovers: advertised routes wait for `lab approve` (or the wizard, through the Headscale API)',
  )
  .option(
    '--lan',
    'also put every host and the workstation on one shared LAN segment (a bridge with no way out), for the LAN endpoints',
  )
  .option('--json', 'print one JSON object as the last line')
  .action(async (options) => {
    const started = Date.now();
    const state = await up({
      controlPlanes: options.controlPlanes,
      workers: options.workers,
      networkManager: options.networkManager as NetworkManagerChoice,
      containerd: String(options.containerd) as ContainerdChoice,
      haProbeInterval: options.haProbeInterval,
      autoApprove: !options.requireApproval,
      lan: options.lan === true,
    });
    const elapsed = ((Date.now() - started) / 1000).toFixed(2);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summary(state))}\n`);
      return;
    }
    const lines = [
      `lab up in ${elapsed} s (${state.labDir})`,
      ...state.details.map(
        (host) =>
          `  ${host.name.padEnd(5)} ${host.address.padEnd(14)} ${host.role.padEnd(13)} ${host.networkManager.padEnd(16)} containerd ${host.containerdMajor === 1 ? '1.6 (config v2)' : '2.1 (config v3)'}${host.lan ? `  lan ${host.lan}` : ''}`,
      ),
      `headscale:    ${state.headscale.url}   API key: ${state.headscale.apiKeyFile}`,
      ...(state.lan
        ? [`lan:          ${state.lan.cidr} on lan0   free for the VIP: ${state.lan.vip}`]
        : []),
      `ssh:          ssh -F ${state.sshConfigFile} cp1`,
      `status file:  ${state.statusFile}`,
      `identity:     ${state.identityFile}   known_hosts: ${state.knownHostsFile}   user: ${state.sshUser}`,
      `stop:         npm run lab -- down`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });

program
  .command('down')
  .description('remove everything the lab made (also after a crash); safe to repeat')
  .action(async () => {
    const started = Date.now();
    await down();
    process.stdout.write(`lab down in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
  });

program
  .command('status')
  .description('print the running lab as JSON (lab.json)')
  .action(() => {
    if (!isUp()) throw new LabError('the lab is not up: run npm run lab -- up');
    process.stdout.write(`${JSON.stringify(readLab(), null, 2)}\n`);
  });

program
  .command('approve')
  .description('approve advertised routes of a host (when the lab runs with --require-approval)')
  .argument('<host>')
  .argument('<routes...>')
  .action(async (host: string, routes: string[]) => {
    const lab = readLab();
    if (!lab.hosts.some((h) => h.name === host)) throw new LabError(`no lab host ${host}`);
    await approveRoutes(host, routes);
  });

program
  .command('relay')
  .description(
    'put hosts behind a NAT no direct path gets through: their paths become relayed (DERP)',
  )
  .argument('[hosts...]', 'the hosts; none makes every path direct again')
  .action(async (hosts: string[]) => {
    await relay(hosts);
  });

program
  .command('install-helm')
  .description(
    'put helm on hosts where its install script does (/usr/local/bin); no host has it after up, as no node has after the kubeadm install guide',
  )
  .argument('<hosts...>')
  .action(async (hosts: string[]) => {
    const lab = readLab();
    for (const host of hosts) {
      if (!lab.hosts.some((h) => h.name === host)) throw new LabError(`no lab host ${host}`);
      await installHelm(lab, host);
    }
  });

program
  .command('status-file')
  .description("write the workstation's current `tailscale status --json` to the lab's status file")
  .action(async () => {
    readLab();
    await refreshStatusFile();
    process.stdout.write(`${readLab().statusFile}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lab: ${error instanceof LabError ? message : message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
