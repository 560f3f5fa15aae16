#!/usr/bin/env node
// The composition root: the only module that knows the core, the engine and the
// screens. Ink and React load lazily (tui.js), so `--version` and `plan` stay fast.
import {Command, InvalidArgumentError, Option} from 'commander';
import packageJson from '../package.json' with {type: 'json'};
import {InputError} from './core/errors.js';
import {defaults} from './core/plan/defaults.js';
import {
  defaultEndpoint,
  endpointKinds,
  isEndpointKind,
  type EndpointKind,
} from './core/plan/endpoint.js';
import type {OutputStyles} from './commands/colour.js';
import type {PlanOptions} from './commands/plan.js';
import type {HostCommandIo} from './commands/shared.js';

// HA_WIZARD_NOW pins the clock (key-expiry findings depend on it) for reproducible output and tests.
const now = () => {
  const pinned = process.env['HA_WIZARD_NOW'];
  return pinned && !Number.isNaN(Date.parse(pinned)) ? new Date(pinned) : new Date();
};

// HA_WIZARD_DEMO_PACE scales the demo run's command durations (1: about half a minute; 0: at once, for tests).
const demoPace = () => {
  const pace = Number(process.env['HA_WIZARD_DEMO_PACE'] ?? '1');
  return Number.isFinite(pace) && pace >= 0 ? pace : 1;
};

// chalk reads the environment once, when it loads; loaded here only for the line
// commands, so the wizard can first turn NO_COLOR into FORCE_COLOR=0 for Ink.
const outputStyles = async (): Promise<OutputStyles> =>
  (await import('./commands/colour.js')).processStyles();

// Repeatable list flags: `--worker a,b --worker c`. No default, so help shows none.
const collect = (value: string, previous: string[] = []) => [...previous, value];
const seconds = (value: string) => {
  const number = Number(value);
  if (!(value.trim() !== '' && Number.isFinite(number) && number > 0))
    throw new InvalidArgumentError('Give a number of seconds greater than 0, e.g. 600.');
  return number;
};

const endpoint = (value: string) => {
  if (!isEndpointKind(value))
    throw new InvalidArgumentError(
      `Use ${endpointKinds.slice(0, -1).join(', ')} or ${endpointKinds.at(-1)}.`,
    );
  return value;
};

const networkOptions = (command: Command) =>
  command
    .option(
      '--endpoint <kind>',
      `what gives the API its address: ${endpointKinds.join(', ')} (the LAN endpoints need the control planes on one subnet)`,
      endpoint,
      defaultEndpoint,
    )
    .option('--vip <ip>', 'virtual IP for the Kubernetes API', defaults.vip)
    .option('--pod-cidr <cidr>', 'pod network', defaults.podCidr)
    .option('--service-cidr <cidr>', 'service network', defaults.serviceCidr)
    .option('--kubernetes-version <x.y>', 'Kubernetes/kubeadm version', defaults.kubernetesVersion)
    .option('--cluster-name <name>', 'cluster name', defaults.clusterName)
    .option('--ssh-user <user>', 'SSH user on every node', defaults.sshUser);

const sourceOptions = (command: Command) =>
  command
    .option(
      '--status-file <file>',
      'read `tailscale status --json` output from FILE instead of running tailscale',
    )
    .option('--demo', 'use the built-in demo tailnet');

/**
 * Runs a command that works on hosts: Ctrl-C stops it safely (the running
 * remote commands finish, nothing new starts), a second Ctrl-C quits at once.
 * Its io writes lines to stdout and stderr.
 */
const onHosts = async (run: (io: HostCommandIo) => Promise<number>) => {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      'ha-wizard: stopping after the running commands (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    process.exitCode = await run({
      stdout: (line) => process.stdout.write(`${line}\n`),
      stderr: (line) => process.stderr.write(`${line}\n`),
      now: now(),
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
      signal: controller.signal,
      style: await outputStyles(),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
};

/** --known-hosts, --identity, --ssh-user, when given. */
const accessOptions = (options: Record<string, string | boolean | undefined>) => ({
  ...(typeof options['knownHosts'] === 'string' ? {knownHosts: options['knownHosts']} : {}),
  ...(typeof options['identity'] === 'string' ? {identity: options['identity']} : {}),
  ...(typeof options['sshUser'] === 'string' ? {sshUser: options['sshUser']} : {}),
});

const controlApiOptions = async (
  options: Record<string, string | string[] | boolean | undefined>,
) => {
  const {controlApiConfig} = await import('./engine/control/key-file.js');
  const text = (name: string) => {
    const value = options[name];
    return typeof value === 'string' ? value : undefined;
  };
  const config = controlApiConfig({
    ...(text('headscaleApiKeyFile') === undefined
      ? {}
      : {headscaleApiKeyFile: text('headscaleApiKeyFile')}),
    ...(text('headscaleUrl') === undefined ? {} : {headscaleUrl: text('headscaleUrl')}),
    ...(text('tailscaleApiKeyFile') === undefined
      ? {}
      : {tailscaleApiKeyFile: text('tailscaleApiKeyFile')}),
    ...(text('tailscaleApiUrl') === undefined ? {} : {tailscaleApiUrl: text('tailscaleApiUrl')}),
  });
  return config ? {controlApi: config} : {};
};

/** The options of every command that works on the hosts over SSH. */
const hostOptions = (command: Command) =>
  command
    .option('--yes', 'ask no questions (an unknown host key is then refused)')
    .option(
      '--known-hosts <file>',
      'known_hosts file to check and extend (default ~/.ssh/known_hosts)',
    )
    .option(
      '--accept-new-host-keys',
      "trust hosts' keys on first contact (changed keys still fail)",
    )
    .option('--identity <file>', 'SSH private key for every node (overrides the plan)')
    .option('--ssh-user <user>', 'SSH user on every node (overrides the plan)');

const program = new Command()
  .name('ha-wizard')
  // Usage errors read like every other error: one sentence after `ha-wizard: `.
  .configureOutput({
    outputError: (text, write) => {
      const sentence = text.trim().replace(/^error: /, '');
      write(
        `ha-wizard: ${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${/[.!?]$/.test(sentence) ? '' : '.'}\n`,
      );
    },
  })
  .description(
    'Build a highly-available kubeadm cluster on a homelab tailnet: several control planes behind one virtual IP.',
  )
  .version(packageJson.version, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show this help')
  .showSuggestionAfterError()
  // `ha-wizard plan --demo`: options after a command belong to that command, not the wizard.
  .enablePositionalOptions()
  .addHelpText(
    'after',
    `
Without a command, opens the full-screen wizard (needs a terminal); it reads
\`tailscale status --json\` and offers the demo tailnet when tailscale is missing.

Examples:
  ha-wizard                          open the wizard
  ha-wizard --demo                   try it on the built-in demo tailnet
  ha-wizard plan --demo --control-plane rpi4-a,rpi4-b,opi5 --worker nuc --out ./homelab`,
  );

sourceOptions(networkOptions(program))
  .option(
    '--api-key-file <file>',
    'a Headscale or Tailscale API key, so the run approves the VIP routes itself (fills Access; a tskey- key is Tailscale)',
  )
  .action(async (options: Record<string, string | boolean | undefined>) => {
    // no-color.org: a non-empty NO_COLOR turns colour off. Ink's chalk does not read it,
    // so say it the way chalk understands, before Ink is loaded.
    if (process.env['NO_COLOR']) process.env['FORCE_COLOR'] = '0';
    const {runTui} = await import('./tui.js');
    process.exitCode = await runTui({
      statusFile: options['statusFile'] as string | undefined,
      demo: options['demo'] === true,
      demoPace: demoPace(),
      now: now(),
      initial: {
        endpoint: options['endpoint'] as EndpointKind,
        vip: options['vip'] as string,
        podCidr: options['podCidr'] as string,
        serviceCidr: options['serviceCidr'] as string,
        kubernetesVersion: options['kubernetesVersion'] as string,
        clusterName: options['clusterName'] as string,
        sshUser: options['sshUser'] as string,
        ...(typeof options['apiKeyFile'] === 'string' ? {apiKeyFile: options['apiKeyFile']} : {}),
      },
    });
  });

const plan = program
  .command('plan')
  .description(
    'validate a cluster plan without the TUI; optionally write plan.json and every generated file',
  )
  .requiredOption(
    '--control-plane <names>',
    'control-plane nodes, comma-separated; the first is the init node (HostName, MagicDNS name or Tailscale IP)',
    collect,
  )
  .option('--worker <names>', 'worker nodes, comma-separated', collect)
  .option(
    '--allow-even-control-planes',
    'accept an even number of control planes (adds no failure tolerance)',
  )
  .addOption(
    new Option(
      '--identity <file>',
      'SSH private key for every node (default: the ssh-agent)',
    ).conflicts('tailscaleSsh'),
  )
  .option('--tailscale-ssh', 'log in with Tailscale SSH')
  .option(
    '--out <dir>',
    'write plan.json and the generated files to DIR (only when the plan has no errors)',
  )
  .option('--json', 'print one JSON object: {ok, findings, nodes}')
  .addHelpText(
    'after',
    `
Exit codes: 0 no error findings, 2 error findings, 1 unusable input
(unreadable or malformed status JSON, tailscale not logged in, unknown node).`,
  );
sourceOptions(networkOptions(plan)).action(async (options: PlanOptions) => {
  // Loaded here, as every command is: the wizard's first frame needs none of it.
  const {runPlan} = await import('./commands/plan.js');
  process.exitCode = await runPlan(options, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    now: now(),
    style: await outputStyles(),
  });
});

hostOptions(
  program
    .command('apply')
    .description('run a plan written by `ha-wizard plan --out DIR` on its hosts, without the TUI')
    .argument('<dir>', 'the folder with plan.json'),
)
  .option('--json', 'print one JSON summary at the end instead of progress lines')
  .option('--resume', 'go on with an unfinished run of this cluster without asking')
  .option(
    '--start-over',
    'undo what the last run did on every host (ha-wizard reset), then run from the start',
  )
  .option(
    '--status-file <file>',
    'on resume, find moved nodes in this `tailscale status --json` output (default: run tailscale)',
  )
  .option(
    '--command-timeout <seconds>',
    `stop any command on a host that runs longer (kubeadm and the Cilium install keep their own longer limits)`,
    seconds,
    defaults.commandTimeoutSeconds,
  )
  .option(
    '--headscale-api-key-file <file>',
    "approve every control plane's VIP route through Headscale's API with the key in FILE (headscale apikeys create)",
  )
  .option(
    '--headscale-url <url>',
    "Headscale's URL (default: the control server the nodes log in to)",
  )
  .option(
    '--tailscale-api-key-file <file>',
    "approve every control plane's VIP route through Tailscale's API with the access token in FILE",
  )
  .addOption(new Option('--tailscale-api-url <url>').hideHelp())
  .addHelpText(
    'after',
    `
Without an API key, apply shows how to approve each control plane's route (the
admin console, the tailnet policy's autoApprovers, or the exact headscale
command, which keeps the node's other approved routes) and goes on by itself
once the route is routed. The key is read from its file into memory only; it
never reaches a log, the saved run or the screen.

When the last run of the plan's cluster did not finish, apply asks whether to
resume it, start over or show what was done (without a terminal, or with --yes,
it needs --resume or --start-over). What was done is saved under
$XDG_STATE_HOME/ha-wizard/clusters/ (mode 0600, no secrets).

Exit codes: 0 the cluster passed the final verify (also when nothing needed
changing), 1 a step failed, the plan is unreadable or the last run is
unfinished and no choice was given, 2 the plan has errors, 130 stopped with
Ctrl-C (continue with --resume).`,
  )
  .action(async (dir: string, options: Record<string, string | boolean | undefined>) => {
    // The engine (ssh2 and the phases) loads only for apply, so plan and --version stay fast.
    const {runApply} = await import('./commands/apply.js');
    await onHosts(async (io) =>
      runApply(
        dir,
        {
          yes: options['yes'] === true,
          acceptNewHostKeys: options['acceptNewHostKeys'] === true,
          json: options['json'] === true,
          ...accessOptions(options),
          resume: options['resume'] === true,
          startOver: options['startOver'] === true,
          ...(typeof options['statusFile'] === 'string' ? {statusFile: options['statusFile']} : {}),
          commandTimeoutSeconds: Number(options['commandTimeout']),
          ...(await controlApiOptions(options)),
        },
        io,
      ),
    );
  });

program
  .command('doctor')
  .description(
    'find why the API answers "connection refused" (on and off): check every host, explain, offer the fix',
  )
  .option('--plan <dir>', 'the hosts and VIP from a plan written by `ha-wizard plan --out DIR`')
  .option(
    '--control-plane <names>',
    'control-plane hosts, comma-separated (HostName, MagicDNS name or Tailscale IP)',
    collect,
  )
  .option('--worker <names>', 'worker hosts, comma-separated', collect)
  .option(
    '--kubeconfig <file>',
    "find the VIP in FILE's server and the control planes on the tailnet",
  )
  .option('--vip <ip>', `the cluster's virtual IP (default ${defaults.vip}, or the kubeconfig's)`)
  .option(
    '--status-file <file>',
    'read `tailscale status --json` output from FILE instead of running tailscale',
  )
  .option('--json', 'check everything, change nothing, print one JSON report')
  .option('--identity <file>', 'SSH private key for every host')
  .option('--ssh-user <user>', 'SSH user on every host')
  .option(
    '--known-hosts <file>',
    'known_hosts file to check and extend (default ~/.ssh/known_hosts)',
  )
  .option('--accept-new-host-keys', "trust hosts' keys on first contact (changed keys still fail)")
  .addOption(
    new Option('--sample-seconds <n>', 'seconds between two looks at the containers').hideHelp(),
  )
  .option(
    '--headscale-api-key-file <file>',
    "also ask Headscale's API whether every control plane's VIP route is approved",
  )
  .option('--headscale-url <url>', "Headscale's URL (default: the nodes' control server)")
  .option(
    '--tailscale-api-key-file <file>',
    "also ask Tailscale's API whether every control plane's VIP route is approved",
  )
  .addOption(new Option('--tailscale-api-url <url>').hideHelp())
  .addHelpText(
    'after',
    `
Without --json it asks for the hosts (unless given), shows each check's
evidence, what it means and the fix with its commands, applies a fix only after
a yes, and checks again.

Whether each control plane's own VIP route is approved (so failover has
somewhere to go) only the control server can tell: with --headscale-api-key-file
or --tailscale-api-key-file doctor asks it (route-approved-each); without, that
check is left out.

Exit codes: 0 every check passed, 2 a check failed, 1 doctor could not look
(an unreachable host, an unreadable plan).`,
  )
  .action(async (options: Record<string, string | string[] | boolean | undefined>) => {
    // ssh2 and @inquirer load only for doctor, so plan and --version stay fast.
    const {runDoctor} = await import('./commands/doctor.js');
    const controller = new AbortController();
    const text = (key: string) =>
      typeof options[key] === 'string' ? {[key]: options[key] as string} : {};
    const list = (key: string) =>
      Array.isArray(options[key]) ? {[key]: options[key] as string[]} : {};
    try {
      process.exitCode = await runDoctor(
        {
          ...text('plan'),
          ...text('identity'),
          ...text('knownHosts'),
          ...text('sshUser'),
          ...text('statusFile'),
          ...text('vip'),
          ...text('kubeconfig'),
          ...list('controlPlane'),
          ...list('worker'),
          json: options['json'] === true,
          acceptNewHostKeys: options['acceptNewHostKeys'] === true,
          ...(typeof options['sampleSeconds'] === 'string'
            ? {sampleSeconds: Number(options['sampleSeconds'])}
            : {}),
          ...(await controlApiOptions(options)),
        },
        {
          stdout: (line) => process.stdout.write(`${line}\n`),
          stderr: (line) => process.stderr.write(`${line}\n`),
          now: now(),
          interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
          signal: controller.signal,
          style: await outputStyles(),
        },
      );
    } catch (error) {
      // Ctrl-C at a question: @inquirer rejects with ExitPromptError; nothing half-applied.
      if (error instanceof Error && error.name === 'ExitPromptError') {
        process.stderr.write('ha-wizard doctor: stopped.\n');
        process.exitCode = 130;
        return;
      }
      throw error;
    }
  });

program
  .command('drill')
  .description(
    "prove failover on a built cluster: stop the endpoint holder's apiserver (or take the node off), time from here how long the API stays dark, put it back",
  )
  .option('--plan <dir>', 'the cluster, from a plan written by `ha-wizard plan --out DIR`')
  .option(
    '--node-down',
    'take the holder off as a node loss would (for the Tailscale VIP: stop its tailscaled) instead of stopping its apiserver',
  )
  .option('--max-seconds <n>', 'the endpoint must answer again within N seconds', seconds, 30)
  .option(
    '--json',
    'print one JSON object: {ok, endpoint, holderBefore, holderAfter, downSeconds, restoredSeconds}',
  )
  .option(
    '--yes',
    'ask no questions: stop the holder without asking (an unknown host key is then refused)',
  )
  .option('--identity <file>', 'SSH private key for every node (overrides the plan)')
  .option('--ssh-user <user>', 'SSH user on every node (overrides the plan)')
  .option(
    '--known-hosts <file>',
    'known_hosts file to check and extend (default ~/.ssh/known_hosts)',
  )
  .option('--accept-new-host-keys', "trust hosts' keys on first contact (changed keys still fail)")
  .option(
    '--status-file <file>',
    'read `tailscale status --json` from FILE (read again at every look) instead of running tailscale here',
  )
  .addHelpText(
    'after',
    `
Seed 003's failover test, on your cluster. It refuses (changing nothing) unless
at least two control planes are Ready and the endpoint answers now; it shows
who holds the endpoint (for the Tailscale VIP: the control plane that is the
VIP route's primary in this machine's tailscale status) and asks before it
stops anything.

The apiserver is stopped as a kubelet expects: its manifest leaves
/etc/kubernetes/manifests and comes back. From here, https://ENDPOINT/readyz
is polled every 250 ms (verified against the cluster's CA) until another
control plane serves it: that is the down time. Then the holder is put back
and the drill waits until it and the endpoint answer again, and until the
node holds its part of the endpoint again.

--node-down stops the holder's tailscaled, which is also the drill's way to
the node: the node starts it again by itself after max-seconds + 5 s. Every
stop has such a guard on the node, so Ctrl-C, an error or a lost workstation
still leave the cluster as it was; Ctrl-C puts the holder back at once where
the drill can reach it.

Exit codes: 0 the endpoint came back within --max-seconds, 2 it did not,
1 the drill could not run (or the holder did not come back as before),
130 stopped with Ctrl-C (after putting the holder back).`,
  )
  .action(async (options: Record<string, string | number | boolean | undefined>) => {
    const {runDrillCommand} = await import('./commands/drill.js');
    const text = (key: string) =>
      typeof options[key] === 'string' ? {[key]: options[key] as string} : {};
    await onHosts((io) =>
      runDrillCommand(
        {
          ...text('plan'),
          ...text('identity'),
          ...text('knownHosts'),
          ...text('sshUser'),
          ...text('statusFile'),
          acceptNewHostKeys: options['acceptNewHostKeys'] === true,
          nodeDown: options['nodeDown'] === true,
          maxSeconds: Number(options['maxSeconds']),
          json: options['json'] === true,
          yes: options['yes'] === true,
        },
        io,
      ),
    );
  });

hostOptions(
  program
    .command('reset')
    .description(
      'undo on every host what ha-wizard did to a cluster (kubeadm reset, lo1 and the VIP, its route, tailscale flags, containerd config, the health gate)',
    )
    .argument('[cluster]', 'the cluster name (default: the only cluster with a saved run)'),
)
  .option('--plan <dir>', 'the hosts from this plan (for a cluster without a saved run)')
  .addHelpText(
    'after',
    `
It shows the full list and asks once, then undoes host by host: workers first,
then the control planes in reverse join order, the init node last. What the
run changed is put back to its value before the first run, as the saved run
recorded it; without one, what ha-wizard recognises as its own is undone and
the rest is named. A host that cannot be reached is reported and the others
are still undone; run reset again later to finish (undone steps are skipped).

Exit codes: 0 everything was undone (the saved run is then forgotten), 1
something could not be undone or no cluster could be found, 130 stopped with
Ctrl-C.`,
  )
  .action(
    async (cluster: string | undefined, options: Record<string, string | boolean | undefined>) => {
      const {runReset} = await import('./commands/reset.js');
      await onHosts((io) =>
        runReset(
          cluster,
          {
            yes: options['yes'] === true,
            acceptNewHostKeys: options['acceptNewHostKeys'] === true,
            ...(typeof options['plan'] === 'string' ? {plan: options['plan']} : {}),
            ...accessOptions(options),
          },
          io,
        ),
      );
    },
  );

// A closed pipe (`ha-wizard plan | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  // The wizard itself takes no arguments, so commander would call a mistyped
  // command "too many arguments"; name it for what it is.
  const first = process.argv[2];
  const commands = program.commands.map((command) => command.name());
  if (first === 'help') {
    const about = program.commands.find((command) => command.name() === process.argv[3]);
    (about ?? program).outputHelp();
  } else if (first !== undefined && !first.startsWith('-') && !commands.includes(first))
    throw new InputError(
      `Unknown command "${first}".`,
      `The commands are ${commands.join(', ')}; ha-wizard --help tells more.`,
    );
  else await program.parseAsync();
} catch (error) {
  if (error instanceof InputError) {
    process.stderr.write(`ha-wizard: ${error.message}\n`);
    if (error.hint) process.stderr.write(`${error.hint}\n`);
    process.exitCode = error.exitCode;
  } else {
    const debug = process.argv.includes('--debug') || process.env['HA_WIZARD_DEBUG'] === '1';
    process.stderr.write(
      debug && error instanceof Error
        ? `${error.stack}\n`
        : `ha-wizard: unexpected error: ${error instanceof Error ? error.message : String(error)} (a bug: set HA_WIZARD_DEBUG=1 for details and report it)\n`,
    );
    process.exitCode = 1;
  }
}
