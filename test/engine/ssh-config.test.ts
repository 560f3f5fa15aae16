import {existsSync} from 'node:fs';
import {describe, expect, it, vi} from 'vitest';
import type * as Paths from '../../source/engine/paths.js';

// paths.ts is the only reader of HOME; point it at a fixed home for these cases.
vi.mock('../../source/engine/paths.js', async (importOriginal) => {
  const actual = await importOriginal<typeof Paths>();
  return {
    ...actual,
    homeDirectory: () => '/home/ada',
    expandHome: (path: string) =>
      path === '~' ? '/home/ada' : path.startsWith('~/') ? `/home/ada/${path.slice(2)}` : path,
  };
});

const {resolveSshSettings} = await import('../../source/engine/host/ssh-config.js');

const config = `
# the lab's control planes behind one pattern
Host cp* !cp9
  User hwlab
  IdentityFile ~/.ssh/lab_ed25519
  IdentityFile %d/.ssh/%r@%h

Host cp1
  HostName 100.64.10.11
  Port 2222
  User someone-else

Host *.tail.ts.net
  IdentitiesOnly yes
  UserKnownHostsFile ~/.ssh/known_hosts.tailnet ~/.ssh/known_hosts

Host *
  User fallback
  IdentityFile none
`;

describe('ssh config resolution', () => {
  it('takes the first value of each setting, accumulates IdentityFile and expands ~ and tokens', () => {
    expect(resolveSshSettings(config, 'cp1', 'ada')).toEqual({
      hostName: '100.64.10.11',
      user: 'hwlab',
      port: 2222,
      identityFiles: ['/home/ada/.ssh/lab_ed25519', '/home/ada/.ssh/hwlab@100.64.10.11'],
    });
  });

  it('honours negated patterns and falls through to Host *', () => {
    expect(resolveSshSettings(config, 'cp9', 'ada')).toEqual({
      hostName: 'cp9',
      user: 'fallback',
      identityFiles: [],
    });
  });

  it('reads IdentitiesOnly and UserKnownHostsFile (several files on one line)', () => {
    expect(resolveSshSettings(config, 'w1.tail.ts.net', 'ada')).toEqual({
      hostName: 'w1.tail.ts.net',
      user: 'fallback',
      identityFiles: [],
      identitiesOnly: true,
      userKnownHostsFiles: ['/home/ada/.ssh/known_hosts.tailnet', '/home/ada/.ssh/known_hosts'],
    });
  });

  it('is the name itself when there is no config', () => {
    expect(resolveSshSettings(undefined, '100.64.10.12')).toEqual({
      hostName: '100.64.10.12',
      identityFiles: [],
    });
  });

  it('never runs `Match exec` commands while reading the config', () => {
    const marker = `/tmp/hw-match-exec-${process.pid}`;
    const settings = resolveSshSettings(
      `Match exec "touch ${marker}"\n  User pwned\nHost *\n  User safe\n`,
      'x',
    );
    expect(settings.user).toBe('safe');
    expect(existsSync(marker)).toBe(false);
  });
});
