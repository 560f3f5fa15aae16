// The one reader of the user's home directory and the SSH agent's socket, so a
// test (or a sandboxed run) can point everything elsewhere by changing HOME.
import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';

export const sshDir = (): string => join(homedir(), '.ssh');
export const knownHostsPath = (): string => join(sshDir(), 'known_hosts');
export const sshConfigPath = (): string => join(sshDir(), 'config');

/** OpenSSH's default identities, in the order `ssh` tries them. */
export const defaultIdentityFiles = (): string[] =>
  ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(sshDir(), name));

/** `~` and `~/x` as OpenSSH expands them in ssh_config (`~user` is not supported). */
export const expandHome = (path: string): string =>
  path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;

export const homeDirectory = (): string => homedir();

/** The ssh-agent socket, when one is running for this session. */
export const agentSocket = (): string | undefined => process.env['SSH_AUTH_SOCK'] || undefined;

/** The local login name, for ssh_config's `%u` and as the default remote user (as `ssh` does). */
export const localUser = (): string => userInfo().username;

/**
 * Where run logs go: `$XDG_STATE_HOME/ha-wizard`, else `~/.local/state/ha-wizard`
 * (XDG Base Directory: state that should persist but is not worth a backup).
 */
export const stateDir = (): string => {
  const xdg = process.env['XDG_STATE_HOME'];
  // The spec says a relative path is invalid and must be ignored.
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'state'), 'ha-wizard');
};

/** The kubeconfig kubectl reads: the first entry of `$KUBECONFIG`, else `~/.kube/config`. */
export const kubeconfigPath = (): string => {
  const first = (process.env['KUBECONFIG'] ?? '').split(':').find((entry) => entry !== '');
  return first ?? join(homedir(), '.kube', 'config');
};
