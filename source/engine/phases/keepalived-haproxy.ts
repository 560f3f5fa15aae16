// keepalived + HAProxy on every control plane, BEFORE kubeadm init (issue 11;
// kubeadm's HA guide): the kubeconfigs init writes point at VIP:8443, so
// HAProxy must listen and keepalived must hold the VIP by then. Before any
// apiserver runs, every node's check fails alike and the priorities still
// elect the init node; HAProxy sends to whichever apiserver is up.
import {keepalivedHaproxyServices} from '../../core/artifacts/keepalived-haproxy-files.js';
import {controlPlanes} from '../../core/plan/build.js';
import type {Phase} from './phase.js';
import {
  ensureFiles,
  ensurePackages,
  ensureServices,
  keepalivedHaproxyInSync,
  verifyServices,
} from './steps/keepalived-haproxy.js';

const running = `${keepalivedHaproxyServices.join(' and ')} running`;

export const keepalivedHaproxy: Phase = {
  id: 'keepalived-haproxy',
  title: 'keepalived + HAProxy',
  mode: 'parallel',
  endpoints: ['keepalived-haproxy'],
  hosts: (plan) => controlPlanes(plan),
  check: async (step) =>
    (await keepalivedHaproxyInSync(step)) ? `configured and ${running}` : false,
  async apply(step) {
    const installed = await ensurePackages(step);
    const changed = await ensureFiles(step);
    await ensureServices(step, changed);
    return [installed, changed ? 'configs written' : 'configs as they were', running]
      .filter((part) => part !== undefined)
      .join('; ');
  },
  verify: verifyServices,
};
