// What every SshHost of a run shares: the ssh config's text and the
// known_hosts files, read from the user's ~/.ssh unless flags say otherwise.
import {knownHostsPath, sshConfigPath} from '../paths.js';
import {KnownHostsFiles} from './known-hosts.js';
import {readSshConfig} from './ssh-config.js';

export interface SshEnvironment {
  readonly sshConfig?: string;
  readonly knownHosts: KnownHostsFiles;
}

export const loadSshEnvironment = async (
  options: {readonly knownHostsFile?: string; readonly sshConfigFile?: string} = {},
): Promise<SshEnvironment> => {
  const sshConfig = await readSshConfig(options.sshConfigFile ?? sshConfigPath());
  // --known-hosts FILE replaces the user's file (read and appended to), as
  // `ssh -o UserKnownHostsFile=FILE` does; the system-wide file is read either way.
  const knownHosts = new KnownHostsFiles([
    options.knownHostsFile ?? knownHostsPath(),
    '/etc/ssh/ssh_known_hosts',
  ]);
  return sshConfig === undefined ? {knownHosts} : {sshConfig, knownHosts};
};
