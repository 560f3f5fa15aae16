import {readFileSync, readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {InputError} from '../../source/core/errors.js';
import {demoStatus, demoTailnet} from '../../source/core/tailnet/demo.js';
import {eligibility} from '../../source/core/tailnet/eligibility.js';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';

const real = new URL('../../fixtures/real/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, real));
const parseFixture = (name: string) => parseStatus(read(name), name);
const statusFixtures = readdirSync(real).filter((name) => /^tailscale-status-.*\.json$/.test(name));

describe('parseStatus on every real capture', () => {
  it.each(statusFixtures)('%s parses into peers with a host name and an ID', (name) => {
    const tailnet = parseFixture(name);
    expect(tailnet.peers.length).toBeGreaterThan(0);
    for (const peer of tailnet.peers) {
      expect(peer.id).not.toBe('');
      // eslint-disable-next-line no-control-regex -- asserting no control character survives
      expect(peer.hostName).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('decodes the UTF-16LE + BOM + CRLF captures exactly like their UTF-8 twins', () => {
    for (const [utf16, utf8] of [
      [
        'tailscale-status-headscale-39peers-routes-tags-1.98.2.utf16le-bom-crlf.json',
        'tailscale-status-headscale-39peers-routes-tags-1.98.2.json',
      ],
      [
        'tailscale-status-windows-ios-1.96.3.utf16le-bom-crlf.json',
        'tailscale-status-windows-ios-1.96.3.json',
      ],
    ] as const) {
      expect(parseStatus(read(utf16), 'x').peers).toEqual(parseStatus(read(utf8), 'x').peers);
    }
  });

  it('reads the headscale tailnet: numeric IDs, tags, a subnet router without its exit routes', () => {
    const tailnet = parseFixture('tailscale-status-headscale-39peers-routes-tags-1.98.2.json');
    expect(tailnet.peers).toHaveLength(40);
    expect(tailnet.peers[0]?.isSelf).toBe(true);
    expect(tailnet.peers[0]?.id).toBe('145');
    const router = tailnet.peers.find((peer) => peer.hostName === 'subnet-router-1');
    expect(router?.advertisedRoutes).toEqual(['10.0.0.0/24', '10.0.2.0/24']);
    expect(router?.exitNodeOption).toBe(true);
    expect(tailnet.peers.filter((peer) => peer.tags.length > 0)).toHaveLength(6);
    expect(tailnet.peers.filter((peer) => !peer.online)).toHaveLength(28);
  });

  it('says why phones, browsers, offline and expired devices cannot be nodes', () => {
    const js = parseFixture('tailscale-status-linux-js-android-1.98.4.json');
    expect(js.peers.map((peer) => [peer.os, eligibility(peer)])).toEqual([
      ['linux', {eligible: true}],
      ['android', {eligible: false, reason: 'not Linux (android)'}],
      ['js', {eligible: false, reason: 'not Linux (js)'}],
    ]);
    const expired = parseFixture('tailscale-status-aws-linux-android-offline-expired-1.84.0.json');
    expect(
      expired.peers.filter((peer) => peer.keyExpired).map((peer) => eligibility(peer)),
    ).toContainEqual({
      eligible: false,
      reason: 'node key expired: re-authenticate it',
    });
    const macos = parseFixture('tailscale-status-macos-linux-ios-offline-1.94.2.json');
    expect(macos.peers[0]).toMatchObject({
      isSelf: true,
      os: 'macOS',
      hostName: 'Borja’s MacBook Air',
    });
    expect(
      macos.peers.filter((peer) => !peer.online).map((peer) => eligibility(peer).eligible),
    ).toEqual([false, false]);
  });

  it('accepts a capture without Self (peers only)', () => {
    const tailnet = parseFixture('tailscale-status-peers-only-anonymised-1.76.6.json');
    expect(tailnet.peers.some((peer) => peer.isSelf)).toBe(false);
  });
});

describe('parseStatus refuses unusable input with one sentence', () => {
  const refuse = (input: string | Uint8Array) => {
    try {
      parseStatus(input, 'status.json');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error('expected an InputError');
  };

  it('names the place of a JSON syntax error (the cp932-mangled Windows capture)', () => {
    const message = refuse(
      read('tailscale-status-windows-1.102.4-cp932-mojibake.invalid-json.txt'),
    );
    expect(message).toMatch(
      /^status\.json is not valid JSON \(.* at line \d+, column \d+\); save it again with `tailscale status --json > FILE`\.$/,
    );
  });

  it('recognises the text output of `tailscale status`', () => {
    expect(refuse(read('tailscale-status-text-tagged-exitnode-offline.txt'))).toBe(
      'status.json holds the text output of `tailscale status`; run `tailscale status --json` instead.',
    );
  });

  it('tells a logged-out user to log in first', () => {
    expect(refuse(JSON.stringify({BackendState: 'NeedsLogin', Self: null, Peer: null}))).toMatch(
      /^Tailscale is not running on the machine behind status\.json \(BackendState NeedsLogin\): run `tailscale up`/,
    );
  });

  it('names the field with the wrong type', () => {
    expect(refuse(JSON.stringify({BackendState: 'Running', Peer: {k: {HostName: 7}}}))).toMatch(
      /^status\.json is not `tailscale status --json` output \(Peer\.k\.HostName: /,
    );
    expect(refuse('')).toBe(
      'status.json is empty: expected the output of `tailscale status --json`.',
    );
    expect(refuse('[1,2]')).toMatch(/^status\.json is not `tailscale status --json` output/);
  });
});

describe('untrusted strings', () => {
  it('keeps escape sequences and shell metacharacters as visible data', () => {
    const status = {
      BackendState: 'Running',
      Peer: {
        a: {
          ID: 'x',
          HostName: 'evil\u001b]0;pwned\u0007$(reboot)',
          OS: 'linux',
          Tags: ['tag:a;rm -rf /'],
          TailscaleIPs: ['100.64.0.9', 'not-an-ip'],
        },
      },
    };
    const [peer] = parseStatus(JSON.stringify(status), 's').peers;
    expect(peer?.hostName).toBe('evil\\x1b]0;pwned\\x07$(reboot)');
    expect(peer?.tags).toEqual(['tag:a;rm -rf /']);
    expect(peer?.ipv4).toBe('100.64.0.9');
  });

  it('accepts Peer: null, IPv6-only peers and unknown keys', () => {
    const tailnet = parseStatus(
      JSON.stringify({
        BackendState: 'Running',
        SomethingNew: {x: 1},
        Self: {
          ID: 's',
          HostName: 'me',
          OS: 'linux',
          TailscaleIPs: ['fd7a:115c:a1e0::1'],
          Future: true,
        },
        Peer: null,
      }),
      's',
    );
    expect(tailnet.peers).toHaveLength(1);
    expect(tailnet.peers[0]).toMatchObject({ipv4: undefined, ipv6: 'fd7a:115c:a1e0::1'});
    expect(eligibility(tailnet.peers[0]!)).toEqual({
      eligible: false,
      reason: 'no Tailscale IPv4 address',
    });
  });
});

describe('the demo tailnet', () => {
  it('has at least five eligible Linux nodes, a phone and an offline laptop', () => {
    const tailnet = demoTailnet(new Date('2026-11-24T00:00:00Z'));
    const eligible = tailnet.peers.filter((peer) => eligibility(peer).eligible);
    expect(eligible.length).toBeGreaterThanOrEqual(5);
    expect(tailnet.peers.find((peer) => peer.os === 'android')).toBeDefined();
    expect(tailnet.peers.find((peer) => peer.os === 'linux' && !peer.online)).toBeDefined();
    expect(tailnet.peers[0]?.isSelf).toBe(true);
  });

  it('reads as parseStatus reads the same status, zod and all', () => {
    const now = new Date('2026-11-24T00:00:00Z');
    expect(demoTailnet(now)).toEqual(parseStatus(JSON.stringify(demoStatus(now)), 'demo'));
  });
});

describe('tailscale ping output', () => {
  // Lines as cmd/tailscale/cli/ping.go prints them (and as field reports quote them).
  it('a relayed path: DERP replies, then the error on stderr', async () => {
    const {parsePing} = await import('../../source/core/tailnet/ping.js');
    expect(
      parsePing(
        'pong from node-b (100.64.31.42) via DERP(ord) in 46ms\npong from node-b (100.64.31.42) via DERP(ord) in 45ms\n',
      ),
    ).toEqual({kind: 'derp', via: 'DERP(ord)', latency: '45ms'});
  });

  it('direct after a relayed first reply: the last reply counts', async () => {
    const {parsePing} = await import('../../source/core/tailnet/ping.js');
    expect(
      parsePing(
        'pong from mypi (100.109.133.35) via DERP(fra) in 24ms\npong from mypi (100.109.133.35) via 203.0.113.9:41641 in 12ms\n',
      ),
    ).toEqual({kind: 'direct', via: '203.0.113.9:41641', latency: '12ms'});
  });

  it('a peer relay, and no reply at all', async () => {
    const {parsePing} = await import('../../source/core/tailnet/ping.js');
    expect(
      parsePing('pong from cp2 (100.64.10.12) via peer-relay(192.0.2.7:7777:vni:5) in 9ms\n').kind,
    ).toBe('peer-relay');
    expect(parsePing('')).toEqual({kind: 'no-reply'});
    expect(parsePing('ping "100.64.10.12" timed out\n')).toEqual({kind: 'no-reply'});
  });
});

describe('LAN addresses from the status (issue 11)', () => {
  it('takes the private IPv4 endpoints of Self’s Addrs and a peer’s CurAddr', () => {
    const tailnet = parseFixture('tailscale-status-windows-ios-1.102.4.repaired.json');
    const self = tailnet.peers.find((peer) => peer.isSelf);
    // Addrs: 203.0.113.19 twice (public) and 172.16.30.208 (the LAN).
    expect(self?.lanAddresses).toEqual(['172.16.30.208']);
    const direct = tailnet.peers.find((peer) => peer.direct);
    expect(direct?.lanAddresses).toEqual(['172.16.31.147']);
  });

  it('leaves out IPv6, public, CGNAT and malformed endpoints', () => {
    const status = {
      BackendState: 'Running',
      Self: {ID: 's', HostName: 'ws', OS: 'linux', TailscaleIPs: ['100.64.0.1']},
      Peer: {
        a: {
          ID: 'a',
          HostName: 'a',
          OS: 'linux',
          TailscaleIPs: ['100.64.0.2'],
          Addrs: [
            '[fd00::1]:41641',
            '8.8.8.8:41641',
            '100.100.1.1:41641',
            '10.1.2.3',
            'junk',
            '10.0.0.5:41641',
            '10.0.0.5:1234',
          ],
          CurAddr: '192.168.7.7:41641',
        },
      },
    };
    const tailnet = parseStatus(Buffer.from(JSON.stringify(status)), 'test');
    expect(tailnet.peers.find((peer) => peer.id === 'a')?.lanAddresses).toEqual([
      '10.0.0.5',
      '192.168.7.7',
    ]);
  });
});
