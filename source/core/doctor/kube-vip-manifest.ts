// kube-vip's static pod on every control plane, reading admin.conf (issue 11,
// seed 002). A control plane without the manifest never takes the VIP over.
// The init node's manifest mounts super-admin.conf only while `kubeadm init`
// runs (core/artifacts/kube-vip.ts); one still mounting it afterwards gives a
// pod on the host network system:masters rights, which no RBAC can take away
// and which kubeadm's 1.29 split of admin.conf was made to avoid. kube-vip only.
import {parse} from 'yaml';
import {kubeVipManifestPath} from '../artifacts/kube-vip.js';
import {commandFix, manualFix, result, type Fix} from './check.js';
import {onlyFor, perHost} from './per-host.js';

const id = 'kube-vip-manifest';
const adminConf = '/etc/kubernetes/admin.conf';
const superAdminConf = '/etc/kubernetes/super-admin.conf';
/** Outside /etc/kubernetes/manifests, where kubelet would run it (see backToAdminConf). */
export const kubeVipBackupPath = '/etc/kubernetes/kube-vip.yaml.ha-wizard.bak';

interface PodManifest {
  readonly kind?: string;
  readonly spec?: {
    readonly containers?: ReadonlyArray<{
      readonly name?: string;
      readonly volumeMounts?: ReadonlyArray<{readonly name?: string; readonly mountPath?: string}>;
    }>;
    readonly volumes?: ReadonlyArray<{
      readonly name?: string;
      readonly hostPath?: {readonly path?: string};
    }>;
  };
}

/**
 * The host file kube-vip reads as its kubeconfig (the hostPath behind the
 * mount at admin.conf's path), `none` when nothing is mounted there, or
 * undefined when the text is no Pod manifest.
 */
export const kubeVipKubeconfig = (text: string): string | 'none' | undefined => {
  let pod: PodManifest;
  try {
    pod = (parse(text) ?? {}) as PodManifest;
  } catch {
    return undefined;
  }
  if (pod.kind !== 'Pod' || !Array.isArray(pod.spec?.containers)) return undefined;
  const mount = pod.spec.containers
    .flatMap((container) => container.volumeMounts ?? [])
    .find((entry) => entry.mountPath === adminConf);
  const volume = pod.spec.volumes?.find((entry) => entry.name === mount?.name);
  return volume?.hostPath?.path ?? 'none';
};

/**
 * Back to admin.conf once init is done, as kube-vip issues #684 and #938 and
 * cluster-api-provider-ionoscloud#103 (a sed in postKubeadmCommands) do. The
 * backup goes next to the manifests directory, not into it: kubelet reads
 * every file there whose name does not start with a dot
 * (pkg/kubelet/config/file.go, extractFromDir's glob `[^.]*`), so a copy there
 * would run as a second kube-vip, and the copy sorts after the manifest and
 * would win.
 */
const backToAdminConf = (): Fix =>
  commandFix(
    `Mount ${adminConf} in kube-vip's pod instead of ${superAdminConf} (the manifest is copied to ${kubeVipBackupPath} first; kubelet restarts the pod).`,
    [
      ['cp', '-p', '--backup=numbered', kubeVipManifestPath, kubeVipBackupPath],
      ['sed', '-i', `s#${superAdminConf}#${adminConf}#`, kubeVipManifestPath],
    ],
  );

export const kubeVipManifest = onlyFor(
  ['kube-vip'],
  perHost(id, 'kube-vip static pod', ['control-plane'], (host) => {
    const manifest = host.kubeVipManifest;
    if (manifest === undefined || manifest === null)
      return result(
        id,
        host.host,
        'fail',
        `${kubeVipManifestPath}: ${manifest === null ? 'missing' : 'not read'}`,
        `kube-vip does not run on ${host.host}: it never takes the VIP over when the leader goes.`,
        manualFix(
          `Let ha-wizard write ${host.host}'s kube-vip manifest again (it knows the LAN interface from preflight).`,
          ['ha-wizard apply --plan DIR'],
        ),
      );
    const kubeconfig = kubeVipKubeconfig(manifest);
    if (kubeconfig === undefined)
      return result(
        id,
        host.host,
        'fail',
        `${kubeVipManifestPath}: not a Pod manifest`,
        `kubelet cannot run ${host.host}'s kube-vip from this file.`,
        manualFix(`Let ha-wizard write ${host.host}'s kube-vip manifest again.`, [
          'ha-wizard apply --plan DIR',
        ]),
      );
    const evidence = `${kubeVipManifestPath}: ${kubeconfig === 'none' ? `nothing mounted at ${adminConf}` : `hostPath ${kubeconfig} mounted at ${adminConf}`}`;
    if (kubeconfig === adminConf)
      return result(id, host.host, 'pass', evidence, `kube-vip on ${host.host} reads admin.conf.`);
    if (kubeconfig === superAdminConf)
      return result(
        id,
        host.host,
        'fail',
        evidence,
        `kube-vip on ${host.host} still reads super-admin.conf, which kubeadm init needed only until it was done: that identity is in system:masters, so a pod on the host network holds rights no RBAC rule can take back.`,
        backToAdminConf(),
      );
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `kube-vip on ${host.host} has no readable kubeconfig, so it cannot take part in the leader election.`,
      manualFix(`Let ha-wizard write ${host.host}'s kube-vip manifest again.`, [
        'ha-wizard apply --plan DIR',
      ]),
    );
  }),
);
