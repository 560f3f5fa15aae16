// What the demo tailnet's devices (core/tailnet/demo.ts) are as machines: the
// mix the field reports describe, so the demo run shows both network managers
// and both containerd config versions (DOMAIN.md phase 4).
import type {MemoryHost} from './memory-world.js';

export type Machine = Pick<MemoryHost, 'prettyName' | 'arch' | 'networkManager' | 'containerd'>;

const raspberryPi: Machine = {
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'aarch64',
  networkManager: 'systemd-networkd',
  containerd: '1.6',
};

export const demoMachines: Readonly<Record<string, Machine>> = {
  'rpi4-a': raspberryPi,
  'rpi4-b': raspberryPi,
  // Armbian ships NetworkManager.
  opi5: {
    prettyName: 'Armbian 25.8.1 bookworm',
    arch: 'aarch64',
    networkManager: 'NetworkManager',
    containerd: '1.6',
  },
  nuc: {
    prettyName: 'Debian GNU/Linux 13 (trixie)',
    arch: 'x86_64',
    networkManager: 'systemd-networkd',
    containerd: '2.1',
  },
  'cloud-arm': {
    prettyName: 'Ubuntu 24.04.3 LTS',
    arch: 'aarch64',
    networkManager: 'systemd-networkd',
    containerd: '2.1',
  },
  workstation: {
    prettyName: 'Ubuntu 24.04.3 LTS',
    arch: 'x86_64',
    networkManager: 'NetworkManager',
    containerd: '2.1',
  },
};

/** Any other device a user might pick: a plain Debian box. */
export const defaultMachine: Machine = {
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'x86_64',
  networkManager: 'systemd-networkd',
  containerd: '1.6',
};
