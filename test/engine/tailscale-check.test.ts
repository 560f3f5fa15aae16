// Tailscale SSH in "check" mode, over a real SSH connection on loopback: an
// ssh2 server that behaves as Tailscale's does for a node whose policy says
// "check" (it sends the "requires an additional check" banner and holds the
// `none` login until a person approves in a browser). The wizard must show the
// link at once, wait longer than a normal connect for the person, and go on
// by itself once approved.
import {mkdtempSync, rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {HostError} from '../../source/engine/host/host.js';
import {KnownHostsFiles} from '../../source/engine/host/known-hosts.js';
import {SshHost} from '../../source/engine/host/ssh-host.js';

const url = 'https://login.tailscale.com/a/l1b2c3d4e5';
const banner = `# Tailscale SSH requires an additional check.\n# To authenticate, visit: ${url}\n`;

let server: ssh2.Server;
let port: number;
let scratch: string;
/** Resolves the held `none` logins, as a person approving in a browser would. */
let approve: () => void = () => {};
let approval: Promise<void>;
const resetApproval = () => {
  approval = new Promise((resolve) => {
    approve = resolve;
  });
};

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hw-check-'));
  const {private: hostKey} = ssh2.utils.generateKeyPairSync('ed25519');
  server = new ssh2.Server({hostKeys: [hostKey], banner}, (client) => {
    client.on('authentication', (context) => {
      if (context.method !== 'none') return context.reject(['none']);
      void approval.then(() => context.accept());
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          stream.write(`ran ${info.command}\n`);
          stream.exit(0);
          stream.end();
        });
      });
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
  rmSync(scratch, {recursive: true, force: true});
});

const host = (over: Partial<ConstructorParameters<typeof SshHost>[0]> = {}) =>
  new SshHost({
    name: 'cp2',
    address: '127.0.0.1',
    port,
    user: 'root',
    knownHosts: new KnownHostsFiles([join(scratch, 'known_hosts')]),
    acceptNewHostKeys: true,
    agent: null,
    tryNone: true,
    connectTimeoutMs: 300,
    ...over,
  });

describe('Tailscale SSH check mode', () => {
  test('the link is shown at once, the login waits past the connect timeout, and goes on once approved', async () => {
    resetApproval();
    const told: string[] = [];
    const cp2 = host({
      onTailscaleCheck: (name, link) => told.push(`${name} ${link}`),
      onTailscaleCheckDone: (name) => told.push(`${name} approved`),
    });
    const result = cp2.exec(['hostname']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(told).toEqual([`cp2 ${url}`]);
    approve();
    expect((await result).stdout).toBe('ran hostname\n');
    expect(told).toEqual([`cp2 ${url}`, 'cp2 approved']);
    await cp2.close();
  });

  test('nobody approves: a clear failure naming the link and the policy change', async () => {
    resetApproval();
    const cp2 = host({checkTimeoutMs: 500});
    const error = await cp2.exec(['hostname']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toBe(
      `Tailscale SSH on cp2 wants a browser check first: open ${url}, then run again`,
    );
    expect((error as HostError).hint).toContain('from "check" to "accept"');
    approve();
    await cp2.close();
  });
});
