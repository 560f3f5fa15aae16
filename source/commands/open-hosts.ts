// One Host per node for a whole command (connections stay open), closed at the
// end: what doctor and drill share. Its own module, so neither imports the other.
import type {Plan, PlanNode} from '../core/plan/types.js';
import {hostFactory} from '../engine/connect.js';
import type {Host} from '../engine/host/host.js';
import {loadSshEnvironment} from '../engine/host/ssh-environment.js';

export interface HostOptions {
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly sshUser?: string;
  readonly acceptNewHostKeys?: boolean;
}

export const openHosts = async (
  plan: Plan,
  options: HostOptions,
  ask: (question: string) => Promise<boolean>,
) => {
  const make = hostFactory(plan, {
    environment: await loadSshEnvironment(
      options.knownHosts === undefined ? {} : {knownHostsFile: options.knownHosts},
    ),
    ...(options.sshUser === undefined ? {} : {user: options.sshUser}),
    ...(options.identity === undefined ? {} : {identityFile: options.identity}),
    acceptNewHostKeys: options.acceptNewHostKeys === true,
    confirmNewHostKey: (host, fingerprint) =>
      ask(`${host}'s SSH host key is not known yet: ${fingerprint}. Trust it?`),
  });
  const open = new Map<string, Host>();
  const fresh = (node: PlanNode): Host => {
    const host = make(node);
    open.set(node.name, host);
    return host;
  };
  return {
    hostFor: (node: PlanNode): Host => open.get(node.name) ?? fresh(node),
    /** A new connection to `node`; the old one is closed (in the background: it may hang). */
    reopen: (node: PlanNode): Host => {
      void open
        .get(node.name)
        ?.close()
        .catch(() => undefined);
      return fresh(node);
    },
    close: () => Promise.all([...open.values()].map((host) => host.close().catch(() => undefined))),
  };
};
