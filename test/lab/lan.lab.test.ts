// The lab's shared LAN (`up --lan`), the ground the LAN endpoints (keepalived
// + HAProxy, kube-vip) stand on: one L2 segment for every host and the
// workstation, still with no way out of the machine, and Debian's real
// keepalived running VRRP between the hosts' namespaces, its VIP moving with
// a gratuitous ARP when the holder's keepalived stops. Needs root; holds the
// lab lock like every lab test file.
import {spawnSync} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {lanRange, lanVip, workstationNs} from './config.js';
import {cutHost, down, hostExec, mendHost, readLab, type LabState} from './lab.js';
import {labCli} from './lab-cli.js';
import {labSetupTimeoutMs, lockLab} from './lock.js';
import {labSkipReason} from './skip.js';

const skipReason = labSkipReason('test/lab/lan.lab.test.ts');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A unicast VRRP instance as the LAN endpoint will write it: every node BACKUP, priority decides. */
const keepalivedConf = (self: string, peers: readonly string[], priority: number) => `global_defs {
  router_id hwlab_${self.replaceAll('.', '_')}
  enable_script_security
  script_user root
}
vrrp_instance hwlab_api {
  state BACKUP
  interface lan0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  unicast_src_ip ${self}
  unicast_peer {
${peers.map((peer) => `    ${peer}`).join('\n')}
  }
  virtual_ipaddress {
    ${lanVip}/24
  }
}
`;

describe.skipIf(skipReason !== undefined)('the lab with --lan (root)', () => {
  let lab: LabState;
  let upSummary: Record<string, unknown>;
  let releaseLab: (() => Promise<void>) | undefined;

  const lanOf = (host: string) => lab.details.find((d) => d.name === host)?.lan ?? '';
  const holdsVip = async (host: string) =>
    (await hostExec(lab, host, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'lan0'])).stdout.includes(
      ` ${lanVip}/24 `,
    );
  const startKeepalived = async (host: string, priority: number) => {
    const peers = ['cp1', 'cp2', 'cp3'].filter((name) => name !== host).map(lanOf);
    const write = await hostExec(
      lab,
      host,
      ['sh', '-c', 'mkdir -p /etc/keepalived && cat > /etc/keepalived/keepalived.conf'],
      {
        input: keepalivedConf(lanOf(host), peers, priority),
      },
    );
    expect(write.code, write.stderr).toBe(0);
    // Debian's unit, started by the host's systemctl: ConditionFileNotEmpty, EnvironmentFile, Type=notify.
    const started = await hostExec(lab, host, ['systemctl', 'enable', '--now', 'keepalived']);
    expect(started.code, started.stderr).toBe(0);
    expect((await hostExec(lab, host, ['systemctl', 'is-active', 'keepalived'])).stdout).toBe(
      'active\n',
    );
  };
  /** A TCP connection to an address's sshd (every host's listens on all addresses): real ARP on the LAN. */
  const connectTo = (ns: string, address: string, port = 22) =>
    spawnSync(
      'ip',
      [
        'netns',
        'exec',
        ns,
        'timeout',
        '2',
        'bash',
        '-c',
        `exec 3<>/dev/tcp/${address}/${port} && head -c 7 <&3`,
      ],
      {encoding: 'utf8'},
    );
  /** The MAC the workstation's ARP table has for the VIP, after a connection to it over the LAN. */
  const vipMacSeenByWorkstation = () => {
    expect(connectTo(workstationNs, lanVip).stdout).toBe('SSH-2.0');
    return /lladdr (\S+)/.exec(
      spawnSync('ip', ['-n', workstationNs, 'neigh', 'show', lanVip], {encoding: 'utf8'}).stdout,
    )?.[1];
  };
  const macOf = async (host: string) =>
    /link\/ether (\S+)/.exec(
      (await hostExec(lab, host, ['ip', '-o', 'link', 'show', 'dev', 'lan0'])).stdout,
    )?.[1];
  const waitUntil = async (what: string, condition: () => Promise<boolean>, timeoutMs: number) => {
    const started = Date.now();
    while (!(await condition())) {
      if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(100);
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    releaseLab = await lockLab();
    await down();
    const result = labCli('up', '--control-planes', '3', '--workers', '1', '--lan', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    upSummary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
    lab = readLab();
  }, labSetupTimeoutMs);

  afterAll(async () => {
    if (releaseLab) {
      await down();
      await releaseLab();
    }
  }, 30_000);

  it('up --lan adds the LAN and a free VIP to its JSON line; each host has lan0 with its address', async () => {
    expect(upSummary['lan']).toEqual({cidr: lanRange, vip: lanVip});
    expect(Object.keys(upSummary).at(-1)).toBe('lan');
    for (const [host, address] of [
      ['cp1', '10.77.0.11'],
      ['cp2', '10.77.0.12'],
      ['cp3', '10.77.0.13'],
      ['w1', '10.77.0.101'],
    ] as const) {
      const addr = await hostExec(lab, host, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'lan0']);
      expect(addr.stdout, host).toContain(` ${address}/24 `);
    }
    // One L2 segment: cp1 reaches w1's LAN address directly (a neighbour, not a route).
    expect(connectTo('hwlab-cp1', '10.77.0.101').stdout).toBe('SSH-2.0');
    const neigh = await hostExec(lab, 'cp1', ['ip', 'neigh', 'show', '10.77.0.101']);
    expect(neigh.stdout).toMatch(/dev lan0 lladdr /);
    // Nobody holds the VIP yet.
    for (const host of ['cp1', 'cp2', 'cp3']) expect(await holdsVip(host), host).toBe(false);
  });

  it('the LAN leads nowhere: no default route on it, the bridge has no address, the lab range stays in the lab', async () => {
    for (const ns of [...lab.details.map((d) => d.namespace), 'hwlab-net', 'hwlab-ws']) {
      const routes = spawnSync('ip', ['-n', ns, 'route', 'show', 'default'], {encoding: 'utf8'});
      expect(routes.stdout, ns).toBe('');
    }
    // Neither the bridge nor its ports have an address, IPv6 link-local included.
    for (const which of [
      ['dev', 'hwlab-lan'],
      ['master', 'hwlab-lan'],
    ]) {
      const shown = spawnSync('ip', ['-n', 'hwlab-net', '-o', 'addr', 'show', ...which], {
        encoding: 'utf8',
      });
      expect(shown.stdout.trim(), which.join(' ')).toBe('');
    }
    const probe = await hostExec(lab, 'cp1', ['ip', 'route', 'get', '192.168.1.1']);
    expect(`${probe.stdout}${probe.stderr}`).toMatch(/unreachable/i);
    const fromRoot = spawnSync('ip', ['route', 'get', '10.77.0.77'], {encoding: 'utf8'});
    expect(`${fromRoot.stdout}${fromRoot.stderr}`).toMatch(/dev hwlab-op0/);
  });

  it("Debian's keepalived runs real VRRP between the hosts: the VIP on the highest priority, moving with a gratuitous ARP when its keepalived stops or its cable is cut", async () => {
    const first = Date.now();
    await startKeepalived('cp1', 150);
    await startKeepalived('cp2', 100);
    await startKeepalived('cp3', 50);
    await waitUntil('cp1 takes the VIP', () => holdsVip('cp1'), 15_000);
    console.log(`VRRP: cp1 holds ${lanVip} ${Date.now() - first} ms after its keepalived started`);
    expect(await holdsVip('cp2')).toBe(false);
    expect(await holdsVip('cp3')).toBe(false);
    expect(vipMacSeenByWorkstation()).toBe(await macOf('cp1'));

    // keepalived stops (`systemctl stop keepalived`): it sends priority 0 and drops the VIP.
    const stopped = Date.now();
    expect((await hostExec(lab, 'cp1', ['systemctl', 'stop', 'keepalived'])).code).toBe(0);
    await waitUntil('cp2 takes the VIP', () => holdsVip('cp2'), 10_000);
    const moved = Date.now() - stopped;
    console.log(`VRRP: cp1's keepalived stopped, cp2 holds ${lanVip} after ${moved} ms`);
    expect(await holdsVip('cp1')).toBe(false);
    expect(await holdsVip('cp3')).toBe(false);
    // The workstation's ARP entry follows without waiting for it to age: the new holder announced itself.
    expect(
      spawnSync('ip', ['-n', workstationNs, 'neigh', 'show', lanVip], {encoding: 'utf8'}).stdout,
    ).toContain(`lladdr ${await macOf('cp2')}`);
    expect(vipMacSeenByWorkstation()).toBe(await macOf('cp2'));

    // A holder that goes silent (its cable pulled: no priority-0 advert, no goodbye): the next
    // takes over once three adverts are missed (advert_int 1 s, plus the priority's skew).
    const cut = Date.now();
    await cutHost('cp2');
    await waitUntil('cp3 takes the VIP', () => holdsVip('cp3'), 15_000);
    const silent = Date.now() - cut;
    console.log(`VRRP: cp2's cable cut, cp3 holds ${lanVip} after ${silent} ms`);
    expect(silent).toBeGreaterThan(2_000); // a missed-advert takeover, not a goodbye
    expect(vipMacSeenByWorkstation()).toBe(await macOf('cp3'));
    await mendHost('cp2');
  }, 60_000);

  it("Debian's HAProxy under the host's systemctl: a config it rejects fails the start as on a node; a good one forwards to every control plane", async () => {
    const writeConfig = (text: string) =>
      hostExec(lab, 'cp3', ['sh', '-c', 'cat > /etc/haproxy/haproxy.cfg'], {input: text});
    await writeConfig('frontend api\n  bind *:8443\n  default_backend nowhere\n');
    const refused = await hostExec(lab, 'cp3', ['systemctl', 'start', 'haproxy']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Job for haproxy.service failed because the control process exited with error code.\nSee "systemctl status haproxy.service" and "journalctl -xeu haproxy.service" for details.\n',
    );
    expect((await hostExec(lab, 'cp3', ['systemctl', 'is-active', 'haproxy'])).stdout).toBe(
      'inactive\n',
    );
    // TCP to every control plane's sshd stands in for the apiservers here.
    await writeConfig(
      [
        'defaults',
        '  mode tcp',
        '  timeout connect 2s',
        '  timeout client 10s',
        '  timeout server 10s',
        'frontend api',
        '  bind *:8443',
        '  default_backend planes',
        'backend planes',
        ...['cp1', 'cp2', 'cp3'].map((host) => `  server ${host} ${lanOf(host)}:22 check`),
        '',
      ].join('\n'),
    );
    const started = await hostExec(lab, 'cp3', ['systemctl', 'start', 'haproxy']);
    expect(started.code, started.stderr).toBe(0);
    // cp3 holds the VIP now (the test before): the workstation reaches HAProxy through it.
    expect(connectTo(workstationNs, lanVip, 8443).stdout).toBe('SSH-2.0');
    expect((await hostExec(lab, 'cp3', ['systemctl', 'stop', 'haproxy'])).code).toBe(0);
    expect(connectTo(workstationNs, lanVip, 8443).stdout).not.toBe('SSH-2.0');
  }, 30_000);
});
