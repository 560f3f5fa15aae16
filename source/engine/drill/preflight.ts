// Before anything is stopped: at least two control planes Ready (kubectl on a
// control plane, as verify does), the endpoint answering now, a control plane
// of this plan holding it, and the holder in the state the drill expects to
// change (its manifest in place, or its unit running). Each refusal is one
// sentence (an InputError: exit 1) and nothing has changed yet.
import {manifestInPlaceArgv, staticPodManifest, unitActiveArgv} from '../../core/drill/commands.js';
import {holdingText} from '../../core/drill/holder.js';
import {readyNodeNames} from '../../core/drill/ready-nodes.js';
import {InputError} from '../../core/errors.js';
import {controlPlanes} from '../../core/plan/build.js';
import type {PlanNode} from '../../core/plan/types.js';
import {localAddresses} from '../connect.js';
import {HostError} from '../host/host.js';
import {adminConf} from '../phases/kubeadm-init.js';
import {sudo, type DrillContext, type DrillSettings} from './context.js';
import {readyzProbe, type Probe} from './probe.js';
import {partName, partTakenOff, unitName} from './take-off.js';

const caCert = '/etc/kubernetes/pki/ca.crt';

export interface Prepared {
  readonly holder: PlanNode;
  readonly ready: readonly string[];
  readonly probe: Probe;
}

const failure = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The node list as a control plane's admin sees it (the refusal rule and the restore both read it). */
export const getNodesArgv = ['kubectl', '--kubeconfig', adminConf, 'get', 'nodes', '-o', 'json'];

/** The Ready nodes and the cluster CA, from the first control plane whose kubectl answers. */
const lookAtCluster = async (ctx: DrillContext) => {
  const tried: string[] = [];
  for (const node of controlPlanes(ctx.plan)) {
    const host = ctx.hosts.get(node);
    try {
      const listed = await sudo(host, getNodesArgv);
      if (listed.code !== 0) {
        tried.push(`${node.name}: ${listed.stderr.trim().split('\n')[0] ?? `exit ${listed.code}`}`);
        continue;
      }
      const ca = await host.readFile(caCert, {sudo: true});
      if (ca === undefined) {
        tried.push(`${node.name}: no ${caCert}`);
        continue;
      }
      return {ready: readyNodeNames(listed.stdout), ca};
    } catch (error) {
      if (!(error instanceof HostError) && !(error instanceof SyntaxError)) throw error;
      tried.push(`${node.name}: ${failure(error)}`);
    }
  }
  throw new InputError(
    `kubectl answered on no control plane, so the drill cannot tell whether the cluster can lose one (${tried.join('; ')}).`,
    'ha-wizard doctor --plan DIR looks for the cause.',
  );
};

const requireHolder = async (ctx: DrillContext): Promise<PlanNode> => {
  const holding = await ctx.strategy.holder(ctx.hosts.get);
  if (holding.kind === 'node') return holding.node;
  if (holding.kind === 'split')
    throw new InputError(
      `${holdingText(holding)} hold ${ctx.strategy.label}: each answers for it, so clients reach either; a drill starts from one holder.`,
      'ha-wizard doctor --plan DIR looks for the cause (VRRP adverts not getting through between them, most often).',
    );
  if (holding.kind === 'stranger')
    throw new InputError(
      `${holding.name} holds ${ctx.strategy.label}, and it is not a control plane of this plan; the drill stops nothing there.`,
    );
  throw new InputError(
    `No control plane holds ${ctx.strategy.label} now, so there is nothing to fail over.`,
  );
};

/** The holder is in the state the drill will change; an InputError otherwise. */
const requireStoppable = async (ctx: DrillContext, holder: PlanNode, settings: DrillSettings) => {
  const host = ctx.hosts.get(holder);
  const part = partTakenOff(settings.mode, ctx.strategy.nodeDown);
  if (part.kind === 'manifest') {
    if ((await sudo(host, manifestInPlaceArgv(part.pod))).code !== 0)
      throw new InputError(
        `${holder.name} has no ${staticPodManifest(part.pod)}, so the drill cannot stop its ${partName(part)} the way the kubelet expects.`,
      );
    return;
  }
  if (part.cutsAccess && localAddresses().has(holder.ip))
    throw new InputError(
      `${holder.name} is this machine: stopping its ${unitName(part.unit)} would cut this machine off as well, so the drill could not watch the endpoint; run it from another machine on the tailnet.`,
    );
  const active = await host.exec(unitActiveArgv(part.unit), {timeoutMs: 30_000});
  if (active.code !== 0)
    throw new InputError(
      `${unitName(part.unit)} is not active on ${holder.name} (${active.stdout.trim() || 'unknown'}), so there is nothing to stop.`,
    );
};

export const prepareDrill = async (
  ctx: DrillContext,
  settings: DrillSettings,
): Promise<Prepared> => {
  const cps = controlPlanes(ctx.plan);
  if (cps.length < 2)
    throw new InputError(
      `The plan has ${cps.length === 0 ? 'no control plane' : 'one control plane'}; with nowhere to fail over to, a drill would only take the API down.`,
    );
  const cluster = await lookAtCluster(ctx);
  const ready = cps.map((node) => node.name).filter((name) => cluster.ready.has(name));
  if (ready.length < 2)
    throw new InputError(
      `Only ${ready.length === 0 ? 'none' : ready.join(', ')} of the control planes ${cps.map((node) => node.name).join(', ')} ${ready.length === 1 ? 'is' : 'are'} Ready; a drill needs two, or it would take the API down.`,
      'kubectl get nodes on a control plane shows which are not, and ha-wizard doctor why.',
    );
  const probe = readyzProbe(cluster.ca);
  if (!(await probe(ctx.strategy.address)))
    throw new InputError(
      `The endpoint https://${ctx.strategy.address}/readyz does not answer ok from here now; a drill starts from a working endpoint.`,
      'ha-wizard doctor --plan DIR looks for the cause.',
    );
  const holder = await requireHolder(ctx);
  await requireStoppable(ctx, holder, settings);
  return {holder, ready, probe};
};
