// The exact lines a remote shell gets: quoting is quoteCommand's, and sudo's
// words come first. Then the lines run through a real /bin/sh to show that
// hostile arguments arrive as one argument each and nothing is executed.
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {
  commandArgv,
  remoteCommandLine,
  sudoPrompt,
  sudoWantsPassword,
} from '../../source/engine/host/command-line.js';

const hostile = ['printf', '%s\\n', '$(reboot)', "a'b", '`id`', 'x;y', '*', '', 'tab\there', '\n'];

describe('remote command lines', () => {
  it('quotes every argument, without sudo', () => {
    expect(remoteCommandLine(['printf', '%s\n', '$(reboot)'], 'none')).toBe(
      "printf '%s\n' '$(reboot)'",
    );
    expect(remoteCommandLine(['echo', "a'b"], 'none')).toBe(`echo 'a'"'"'b'`);
  });

  it('puts `sudo -n --` before the argv, so an argument can never become a sudo option', () => {
    expect(remoteCommandLine(['cat', '-V', '$(reboot)'], 'non-interactive')).toBe(
      "sudo -n -- cat -V '$(reboot)'",
    );
    expect(remoteCommandLine(['tee', "/etc/a'b"], 'non-interactive')).toBe(
      `sudo -n -- tee '/etc/a'"'"'b'`,
    );
  });

  it('with a password: sudo -S with our prompt, then a fixed wrapper that execs the argv', () => {
    expect(remoteCommandLine(['id', '$(reboot)'], 'password')).toBe(
      "sudo -S -k -p '[ha-wizard] sudo password:' -- sh -c 'printf '\"'\"'%s\\n'\"'\"' ha-wizard-sudo-ok >&2; exec \"$@\"' sh id '$(reboot)'",
    );
    expect(commandArgv(['id'], 'password')).toContain(sudoPrompt);
    // The password itself is never part of the argv.
    expect(commandArgv(['id'], 'password').join(' ')).not.toMatch(/secret/);
  });

  it('refuses an empty command', () => {
    expect(() => commandArgv([], 'none')).toThrow(/empty/);
  });

  it('delivers hostile arguments intact through a real sh, executing none of them', () => {
    const line = remoteCommandLine(hostile, 'none');
    expect(execFileSync('/bin/sh', ['-c', line], {encoding: 'utf8'})).toBe(
      `${hostile.slice(2).join('\n')}\n`,
    );
    const wrapped = commandArgv(['printf', '%s\\n', '$(reboot)', "a'b"], 'password');
    // The wrapper alone (sudo's part cut off): marker on stderr, the argv untouched.
    const wrapper = wrapped.slice(wrapped.indexOf('sh'));
    const result = execFileSync('/bin/sh', ['-c', remoteCommandLine(wrapper, 'none')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(result).toBe("$(reboot)\na'b\n");
  });

  it('recognises sudo -n asking for a password, in the wordings of sudo 1.8 and 1.9', () => {
    expect(sudoWantsPassword(1, 'sudo: a password is required\n')).toBe(true);
    expect(
      sudoWantsPassword(
        1,
        'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n',
      ),
    ).toBe(true);
    expect(sudoWantsPassword(1, 'hwlab is not in the sudoers file.\n')).toBe(false);
    expect(sudoWantsPassword(0, 'sudo: a password is required\n')).toBe(false);
  });
});

describe('Tailscale SSH check mode', () => {
  it('finds the login URL in the banner Tailscale SSH shows, and nothing in other banners', async () => {
    const {tailscaleCheckUrl} = await import('../../source/engine/host/ssh-host.js');
    expect(
      tailscaleCheckUrl(
        '# Tailscale SSH requires an additional check.\n# To authenticate, visit: https://login.tailscale.com/a/l1b2c3\n',
      ),
    ).toBe('https://login.tailscale.com/a/l1b2c3');
    expect(tailscaleCheckUrl('Authorized uses only. https://example.com/policy\n')).toBeUndefined();
  });
});
