import {readGoodStatus} from './read-status.js';
import type {Tailnet} from './types.js';

const day = 24 * 60 * 60 * 1000;

interface DemoDevice {
  readonly host: string;
  readonly os: string;
  readonly ip: number;
  readonly online?: boolean;
  readonly tags?: readonly string[];
  readonly routes?: readonly string[];
  /** Days until the node key expires; untagged devices only. */
  readonly expiresIn?: number;
  /** Reached through a DERP relay from the workstation (the cloud VM); the rest share its LAN. */
  readonly relayed?: boolean;
}

// A homelab as the field reports describe it: Raspberry Pi 4s, an Orange Pi 5,
// a mini PC, a cloud VM in another account, a NAS that already routes the LAN,
// plus a phone and an offline laptop that cannot be nodes.
const devices: readonly DemoDevice[] = [
  {host: 'workstation', os: 'linux', ip: 10, expiresIn: 160},
  {host: 'rpi4-a', os: 'linux', ip: 11, tags: ['tag:k8s']},
  {host: 'rpi4-b', os: 'linux', ip: 12, tags: ['tag:k8s']},
  {host: 'opi5', os: 'linux', ip: 13, tags: ['tag:k8s']},
  {host: 'nuc', os: 'linux', ip: 14, tags: ['tag:k8s']},
  {host: 'cloud-arm', os: 'linux', ip: 15, expiresIn: 12, relayed: true},
  {host: 'nas', os: 'linux', ip: 16, tags: ['tag:nas'], routes: ['192.168.1.0/24']},
  {host: 'pixel-8', os: 'android', ip: 17, expiresIn: 90},
  {host: 'thinkpad', os: 'linux', ip: 18, online: false, expiresIn: 40},
];

const suffix = 'tail-demo.ts.net';

const demoId = (index: number) => `nDemo${index}CNTRL`;

/** True for the made-up devices of the demo tailnet (their IDs end up in plan.json). */
export const isDemoPeerId = (id: string): boolean => /^nDemo\d+CNTRL$/.test(id);

const peerStatus = (device: DemoDevice, index: number, now: Date) => {
  const v4 = `100.101.7.${device.ip}`;
  const v6 = `fd7a:115c:a1e0::7:${device.ip}`;
  return {
    ID: demoId(index),
    PublicKey: `nodekey:${String(index).padStart(64, '0')}`,
    HostName: device.host,
    DNSName: `${device.host}.${suffix}.`,
    OS: device.os,
    UserID: 1,
    TailscaleIPs: [v4, v6],
    AllowedIPs: [`${v4}/32`, `${v6}/128`, ...(device.routes ?? [])],
    ...(device.tags ? {Tags: device.tags} : {}),
    ...(device.routes ? {PrimaryRoutes: device.routes} : {}),
    CurAddr:
      index === 0 || device.relayed || device.online === false
        ? ''
        : `192.168.1.${device.ip}:41641`,
    Relay: 'fra',
    Online: device.online ?? true,
    ExitNode: false,
    ExitNodeOption: false,
    ...(device.expiresIn === undefined
      ? {}
      : {KeyExpiry: new Date(now.getTime() + device.expiresIn * day).toISOString()}),
  };
};

/** The raw `tailscale status --json` of the demo tailnet, as the workstation would print it. */
export const demoStatus = (now: Date) => {
  const [self, ...peers] = devices.map((device, index) => peerStatus(device, index, now));
  return {
    Version: '1.98.4-demo',
    TUN: true,
    BackendState: 'Running',
    TailscaleIPs: self?.TailscaleIPs,
    Self: self,
    MagicDNSSuffix: suffix,
    CurrentTailnet: {Name: 'demo@example.com', MagicDNSSuffix: suffix, MagicDNSEnabled: true},
    Peer: Object.fromEntries(peers.map((peer) => [peer.PublicKey, peer])),
  };
};

/**
 * Goes through the same reader as a good real status, so the demo cannot drift
 * from it; test/core/tailnet.test.ts holds it to parseStatus's answer too.
 */
export const demoTailnet = (now: Date): Tailnet => {
  const tailnet = readGoodStatus(JSON.stringify(demoStatus(now)), 'demo');
  if (tailnet === undefined) throw new Error('The built-in demo status is not a good status.');
  return tailnet;
};
