// The `tailscale` CLI of one simulated node, as the phases call it
// (docs/commands-on-hosts.md): version, status [--json], ping, debug prefs, and set
// with --accept-routes / --advertise-routes. The lab's hosts run the bash
// twin (test/lab/tools/tailscale) because every call there is a process; the
// in-process demo runs this one. Both publish to the same tailnet model
// (tailnet.ts), which decides who routes what.
import ipaddr from 'ipaddr.js';
import {fail, ok, type ToolResult} from './env.js';

/** What tailscaled keeps for this node (the part the phases touch). */
export interface TailscalePrefs {
  readonly wantRunning: boolean;
  /** `--accept-routes`; `RouteAll` in `debug prefs`. */
  readonly routeAll: boolean;
  readonly advertiseRoutes: readonly string[];
}

/** One node's view of its tailnet. */
export interface TailscaleNode {
  /** Who calls: `set` needs root (or an operator), as the real localapi says. */
  readonly uid: number;
  readonly version: string;
  prefs(): TailscalePrefs;
  /** Publishes new prefs to the coordination server. */
  setPrefs(prefs: TailscalePrefs): void;
  /** `tailscale status --json` from this node, now. */
  statusJson(): unknown;
  statusText(): string;
}

/**
 * netutil.CalcAdvertiseRoutes: every entry a valid prefix without host bits;
 * sorted by prefix length, then address; duplicates dropped.
 */
const canonicalRoutes = (list: string): {routes: string[]} | {error: string} => {
  const routes: Array<{text: string; bits: number; key: string}> = [];
  for (const text of list.split(',').filter((entry) => entry !== '')) {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      parsed = ipaddr.parseCIDR(text);
    } catch {
      return {error: `"${text}" is not a valid IP address or CIDR prefix\n`};
    }
    const [address, bits] = parsed;
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(text).toString()
        : ipaddr.IPv6.networkAddressFromCIDR(text).toString();
    if (network !== address.toString())
      return {error: `${text} has non-address bits set; expected ${network}/${bits}\n`};
    if (routes.some((route) => route.text === text)) continue;
    const key = address
      .toByteArray()
      .map((byte) => byte.toString(16).padStart(2, '0'))
      .join('');
    routes.push({text, bits, key: `${address.kind()}${key}`});
  }
  routes.sort((a, b) => a.bits - b.bits || a.key.localeCompare(b.key));
  return {routes: routes.map((route) => route.text)};
};

const parseBool = (text: string): boolean | undefined =>
  ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)
    ? true
    : ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)
      ? false
      : undefined;

const usage = (command: string) => `USAGE\n  tailscale ${command} [flags]\n`;

const set = (node: TailscaleNode, argv: readonly string[]): ToolResult => {
  let prefs = node.prefs();
  const changes: Array<() => TailscalePrefs> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (name === 'accept-routes') {
      const value = inline === undefined ? true : parseBool(inline);
      if (value === undefined)
        return fail(2, `invalid boolean value "${inline}" for -accept-routes: parse error\n`);
      changes.push(() => ({...prefs, routeAll: value}));
    } else if (name === 'advertise-routes') {
      const value = inline ?? argv[++i];
      if (value === undefined) return fail(2, 'flag needs an argument: -advertise-routes\n');
      const parsed = canonicalRoutes(value);
      if ('error' in parsed) return fail(1, parsed.error);
      changes.push(() => ({...prefs, advertiseRoutes: parsed.routes}));
    } else {
      return fail(2, `flag provided but not defined: -${name}\n${usage('set')}`);
    }
  }
  if (changes.length === 0) return ok('', usage('set'));
  if (node.uid !== 0)
    return fail(
      1,
      `Access denied: checkprefs access denied\n\nUse 'sudo tailscale set ${argv.join(' ')}'.\nTo not require root, use 'sudo tailscale set --operator=$USER' once.\n`,
    );
  for (const change of changes) prefs = change();
  node.setPrefs(prefs);
  return ok();
};

/** `tailscale debug prefs` (fixtures/real/tailscale-debug-prefs-linux.json): tab-indented JSON. */
const debugPrefs = (prefs: TailscalePrefs): string =>
  `${JSON.stringify(
    {
      ControlURL: 'https://controlplane.tailscale.com',
      RouteAll: prefs.routeAll,
      ExitNodeID: '',
      ExitNodeIP: '',
      InternalExitNodePrior: '',
      ExitNodeAllowLANAccess: false,
      CorpDNS: true,
      RunSSH: false,
      RunWebClient: false,
      WantRunning: prefs.wantRunning,
      LoggedOut: false,
      ShieldsUp: false,
      AdvertiseTags: null,
      Hostname: '',
      NotepadURLs: false,
      // null, not [], when nothing is advertised: the real CLI prints a nil slice.
      AdvertiseRoutes: prefs.advertiseRoutes.length > 0 ? prefs.advertiseRoutes : null,
      AdvertiseServices: null,
      Sync: null,
      NoSNAT: false,
      NoStatefulFiltering: true,
      NetfilterMode: 2,
      AutoUpdate: {Check: true, Apply: false},
      AppConnector: {Advertise: false},
      PostureChecking: false,
      NetfilterKind: '',
      DriveShares: null,
      AllowSingleHosts: true,
      Config: {},
    },
    null,
    '\t',
  )}\n`;

/**
 * cmd/tailscale/cli/ping.go, on the path the text status shows: a direct peer
 * answers once via its endpoint; a relayed one via DERP -c times, then the
 * error "direct connection not established"; an offline one "no reply".
 */
const ping = (node: TailscaleNode, args: readonly string[]): ToolResult => {
  let count = 10;
  let target: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--c' || arg === '-c') count = Number(args[++index]);
    else if (/^--?c=/.test(arg)) count = Number(arg.split('=')[1]);
    else if (arg === '--timeout' || arg === '-timeout') index++;
    else if (!arg.startsWith('-')) target = arg;
  }
  if (target === undefined) return fail(2, 'usage: ping <hostname-or-IP>\n');
  const [, ...peers] = node.statusText().split('\n');
  const line = peers
    .map((text) => text.trim().split(/\s+/))
    .find(([address, name]) => address === target || name === target);
  if (!line) return fail(1, 'no matching peer\n');
  const [address = '', name = '', , , ...detail] = line;
  const path = detail.join(' ');
  if (path.startsWith('offline')) return fail(1, 'no reply\n');
  const relay = /relay "([^"]+)"/.exec(path)?.[1];
  if (relay === undefined)
    return ok(`pong from ${name} (${address}) via ${address}:41641 in 1ms\n`);
  const pongs = `pong from ${name} (${address}) via DERP(${relay}) in 24ms\n`.repeat(
    Math.max(1, count || 1),
  );
  return fail(1, 'direct connection not established\n', pongs);
};

export const tailscale = async (
  node: TailscaleNode,
  argv: readonly string[],
): Promise<ToolResult> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'version':
    case '--version':
      return ok(`${node.version}\n  tailscale commit: simulated\n`);
    case 'status': {
      const json = rest.some((arg) => /^--?json(=true)?$/.test(arg));
      if (json) return ok(`${JSON.stringify(node.statusJson(), null, 2)}\n`);
      if (!node.prefs().wantRunning) return fail(1, '', 'Tailscale is stopped.\n');
      return ok(node.statusText());
    }
    case 'debug':
      return rest[0] === 'prefs'
        ? ok(debugPrefs(node.prefs()))
        : fail(1, `tailscale debug: only 'prefs' is simulated\n`);
    case 'set':
      return set(node, rest);
    case 'ping':
      return ping(node, rest);
    default:
      return fail(
        1,
        `tailscale: unknown subcommand: ${command ?? ''} (simulated: status, ping, set, debug prefs, version)\n`,
      );
  }
};
