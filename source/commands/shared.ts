// What apply, reset and doctor share: the plan folder's reader, the SSH
// options as the engine takes them, the y/N question and the io they print
// through (plan's too). A module of its own, so the three import it and not each other
// (apply starts reset and doctor; neither may need apply back).
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {createInterface} from 'node:readline/promises';
import * as z from 'zod';
import {InputError} from '../core/errors.js';
import {defaultEndpoint, endpointKinds} from '../core/plan/endpoint.js';
import type {Plan} from '../core/plan/types.js';
import type {OutputStyles} from './colour.js';

/** Where a command prints, and its clock. */
export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly now: Date;
  /** Colour for each stream (on a terminal); plain when absent. */
  readonly style?: OutputStyles;
}

/** A command that works on hosts: it may ask first, and Ctrl-C stops it safely. */
export interface HostCommandIo extends CommandIo {
  /** Whether a person can answer questions: stdin and the stream the command asks on are terminals. */
  readonly interactive: boolean;
  readonly signal: AbortSignal;
}

const access = z.object({
  user: z.string(),
  auth: z.discriminatedUnion('kind', [
    z.object({kind: z.literal('agent')}),
    z.object({kind: z.literal('key'), keyFile: z.string()}),
    z.object({kind: z.literal('tailscale-ssh')}),
  ]),
});

// plan.json is a file people may edit: check its shape before trusting it.
const planSchema = z.object({
  schemaVersion: z.literal(1),
  clusterName: z.string(),
  kubernetesVersion: z.string(),
  network: z.object({
    // Added by issue 11; a plan written before it has none and meant the Tailscale VIP.
    endpoint: z.enum(endpointKinds).default(defaultEndpoint),
    vip: z.string(),
    podCidr: z.string(),
    serviceCidr: z.string(),
  }),
  nodes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      dnsName: z.string(),
      ip: z.string(),
      role: z.enum(['control-plane', 'worker']),
      os: z.string(),
      online: z.boolean(),
      tags: z.array(z.string()),
      advertisedRoutes: z.array(z.string()),
      keyExpiry: z.string().optional(),
      keyExpired: z.boolean(),
      access: access.optional(),
      lanAddresses: z.array(z.string()).optional(),
    }),
  ),
  access,
  allowEvenControlPlanes: z.boolean(),
  tailnetRoutes: z.array(z.object({route: z.string(), peer: z.string()})),
});

/** DIR/plan.json as a Plan, or an InputError (exit 1) in one sentence. */
export const loadPlan = async (dir: string): Promise<Plan> => {
  const file = join(dir, 'plan.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `There is no plan at ${file}.`
        : `Cannot read ${file} (${code ?? 'error'}).`,
      `Write one with: ha-wizard plan … --out ${dir}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(
      `${file} is not valid JSON.`,
      `Write it again with: ha-wizard plan … --out ${dir}`,
    );
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new InputError(
      `${file} is not a plan ha-wizard can run: ${issue?.message ?? 'wrong shape'}${where}.`,
      `Write it again with: ha-wizard plan … --out ${dir}`,
    );
  }
  return {
    ...parsed.data,
    nodes: parsed.data.nodes.map(({lanAddresses, ...node}) => ({
      ...node,
      keyExpiry: node.keyExpiry,
      access: node.access,
      ...(lanAddresses === undefined ? {} : {lanAddresses}),
    })),
  };
};

/** --known-hosts, --ssh-user, --identity, --accept-new-host-keys, as the engine takes them. */
export const sshAccess = (options: {
  readonly knownHosts?: string;
  readonly sshUser?: string;
  readonly identity?: string;
  readonly acceptNewHostKeys?: boolean;
}) => ({
  ...(options.knownHosts === undefined ? {} : {knownHostsFile: options.knownHosts}),
  ...(options.sshUser === undefined ? {} : {user: options.sshUser}),
  ...(options.identity === undefined ? {} : {identityFile: options.identity}),
  acceptNewHostKeys: options.acceptNewHostKeys === true,
});

export const askYesNo = async (question: string): Promise<boolean> => {
  const prompt = createInterface({input: process.stdin, output: process.stderr});
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
};
