// One Host per node for a run: the local adapter when the wizard runs on that
// node (one of its interfaces has the node's Tailscale IP), else ssh2.
// Connections open on first use and stay open for the whole run.
import {networkInterfaces} from 'node:os';
import type {Plan, PlanNode} from '../core/plan/types.js';
import type {Host} from './host/host.js';
import {LocalHost} from './host/local-host.js';
import type {SshEnvironment} from './host/ssh-environment.js';
import {SshHost} from './host/ssh-host.js';

export interface ConnectOptions {
  readonly environment: SshEnvironment;
  /** --ssh-user: overrides the plan's user for every node. */
  readonly user?: string;
  /** --identity: overrides the plan's key for every node. */
  readonly identityFile?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly confirmNewHostKey?: (host: string, fingerprint: string) => Promise<boolean>;
  readonly onTailscaleCheck?: (host: string, url: string) => void;
  readonly onTailscaleCheckDone?: (host: string) => void;
  /** Addresses of this machine; default: its network interfaces. */
  readonly localAddresses?: ReadonlySet<string>;
}

export const localAddresses = (): Set<string> =>
  new Set(
    Object.values(networkInterfaces())
      .flat()
      .flatMap((info) => (info ? [info.address] : [])),
  );

export const hostFactory = (plan: Plan, options: ConnectOptions) => {
  const local = options.localAddresses ?? localAddresses();
  return (node: PlanNode): Host => {
    if (node.ip !== '' && local.has(node.ip)) return new LocalHost({name: node.name});
    const access = node.access ?? plan.access;
    const keyFile =
      options.identityFile ?? (access.auth.kind === 'key' ? access.auth.keyFile : undefined);
    return new SshHost({
      name: node.name,
      address: node.ip || node.dnsName,
      user: options.user ?? access.user,
      ...(keyFile === undefined ? {} : {identityFiles: [keyFile]}),
      ...(options.environment.sshConfig === undefined
        ? {}
        : {sshConfig: options.environment.sshConfig}),
      knownHosts: options.environment.knownHosts,
      acceptNewHostKeys: options.acceptNewHostKeys ?? false,
      ...(options.confirmNewHostKey ? {confirmNewHostKey: options.confirmNewHostKey} : {}),
      ...(options.onTailscaleCheck ? {onTailscaleCheck: options.onTailscaleCheck} : {}),
      ...(options.onTailscaleCheckDone ? {onTailscaleCheckDone: options.onTailscaleCheckDone} : {}),
      tryNone: access.auth.kind === 'tailscale-ssh',
    });
  };
};
