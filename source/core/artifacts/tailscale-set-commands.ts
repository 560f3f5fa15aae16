import {initNode} from '../plan/build.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {quoteCommand} from '../remote/quote.js';
import {shellComment, shellText} from './shell-text.js';
import {acceptRoutesArgv} from './tailscale-routes.js';
import {vipRoute} from './vip.js';

const header = [
  'Tailscale flags for every node. Not one script: paste the function below, then',
  'run the block of the node you are on. --advertise-routes replaces the whole list,',
  "so advertise_with reads this node's own routes (tailscale debug prefs) when it runs",
  'and writes them back with the VIP: the tailnet shows other machines only the',
  'approved, primary routes, never what a node advertises besides.',
  'A joining control plane advertises the VIP only once its own /readyz passes (phase 9).',
];

/**
 * POSIX sh (no jq): `tailscale debug prefs` is Go's json.MarshalIndent with tabs,
 * AdvertiseRoutes one route per line, `null` or `[]` when empty (ipn/prefs.go).
 */
const advertiseWith = [
  '',
  shellComment('advertise_with ROUTE: every route this node advertises now, plus ROUTE.'),
  'advertise_with() {',
  '  prefs=$(tailscale debug prefs) || return 1',
  "  current=$(printf '%s\\n' \"$prefs\" | awk '",
  '    /"AdvertiseRoutes": \\[\\]/ { exit }',
  '    /"AdvertiseRoutes": \\[/ { on = 1; next }',
  '    on && /\\]/ { exit }',
  '    on { gsub(/[",[:space:]]/, ""); if ($0 != "") out = out (out == "" ? "" : ",") $0 }',
  "    END { print out }')",
  '  case ",$current," in',
  '    *",$1,"*) echo "$1 is already advertised" ;;',
  '    *) tailscale set --advertise-routes="${current:+$current,}$1" ;;',
  '  esac',
  '}',
];

const roleText = (node: PlanNode, isInit: boolean): string =>
  node.role === 'worker' ? 'worker' : isInit ? 'control plane, init node' : 'control plane';

const nodeBlock = (plan: Plan, node: PlanNode, isInit: boolean): string[] => [
  '',
  shellComment(`${node.name}: ${roleText(node, isInit)}`),
  quoteCommand(acceptRoutesArgv()),
  ...(node.role === 'control-plane'
    ? [quoteCommand(['advertise_with', vipRoute(plan.network.vip)])]
    : []),
];

/** `tailscale/set-commands.sh`. */
export const tailscaleSetCommands = (plan: Plan): string => {
  const firstControlPlane = initNode(plan);
  return shellText([
    ...header.map(shellComment),
    ...advertiseWith,
    ...plan.nodes.flatMap((node) => nodeBlock(plan, node, node === firstControlPlane)),
    '',
    // The workstation reaches the VIP through the tailnet too (DOMAIN.md "Target topology").
    shellComment('this workstation, and any other machine that runs kubectl'),
    quoteCommand(acceptRoutesArgv()),
  ]);
};
