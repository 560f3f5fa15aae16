// ~/.ssh/config for the five settings the wizard honours: HostName, User,
// Port, IdentityFile (with `~` and OpenSSH's %d %h %r %u %% tokens) and
// UserKnownHostsFile. Parsing and Host-pattern matching (first value wins,
// IdentityFile accumulates, `!negation`) are the `ssh-config` package's.
import {readFile} from 'node:fs/promises';
import SSHConfig from 'ssh-config';
import {expandHome, homeDirectory} from '../paths.js';

export interface SshSettings {
  /** Where to connect: the config's HostName, else the name itself. */
  readonly hostName: string;
  readonly user?: string;
  readonly port?: number;
  /** Absolute paths, in the order to try. */
  readonly identityFiles: readonly string[];
  readonly identitiesOnly?: boolean;
  readonly userKnownHostsFiles?: readonly string[];
}

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
const all = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** ssh_config(5) TOKENS, the ones that make sense without a connection. */
const expandTokens = (
  path: string,
  tokens: {host: string; remoteUser: string | undefined; localUser: string | undefined},
) =>
  expandHome(path).replace(/%([%dhru])/g, (whole, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'd':
        return homeDirectory();
      case 'h':
        return tokens.host;
      case 'r':
        return tokens.remoteUser ?? whole;
      case 'u':
        return tokens.localUser ?? whole;
      default:
        return whole;
    }
  });

/** What the config says for `host` (the name as typed: an alias, a MagicDNS name or an IP). */
export const resolveSshSettings = (
  configText: string | undefined,
  host: string,
  localUser?: string,
): SshSettings => {
  if (configText === undefined) return {hostName: host, identityFiles: []};
  // matchExec off: a `Match exec` line would run a shell command just to read the config.
  const computed = SSHConfig.parse(configText).compute(host, {
    ignoreCase: true,
    matchExec: false,
  }) as Record<string, string | string[] | undefined>;
  const hostName = first(computed['hostname'])?.replaceAll('%h', host) ?? host;
  const user = first(computed['user']);
  const portText = first(computed['port']);
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const tokens = {host: hostName, remoteUser: user, localUser};
  const identityFiles = all(computed['identityfile'])
    .filter((file) => file.toLowerCase() !== 'none')
    .map((file) => expandTokens(file, tokens));
  const knownHosts = all(computed['userknownhostsfile'])
    .flatMap((value) => value.split(/\s+/))
    .filter((file) => file !== '' && file.toLowerCase() !== 'none')
    .map((file) => expandTokens(file, tokens));
  const identitiesOnly = first(computed['identitiesonly'])?.toLowerCase();
  return {
    hostName,
    ...(user === undefined ? {} : {user}),
    ...(port === undefined ? {} : {port}),
    identityFiles,
    ...(identitiesOnly === undefined ? {} : {identitiesOnly: identitiesOnly === 'yes'}),
    ...(knownHosts.length === 0 ? {} : {userKnownHostsFiles: knownHosts}),
  };
};

/** The config file's text, or undefined when there is none. */
export const readSshConfig = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
