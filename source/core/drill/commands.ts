// The remote commands of a failover drill, as argument arrays (quoted by the
// Host, never pasted into a shell). Values reach the scripts only as
// positional parameters ("$1"), so the scripts themselves are constants.
//
// A static pod (the apiserver; kube-vip for --node-down) is stopped the way
// kubeadm's own docs and the lab's drills stop the apiserver: moving its
// manifest out of /etc/kubernetes/manifests (the kubelet runs every file in
// that directory whose name does not start with a dot, pkg/kubelet/config/
// file.go, so it must leave the directory, not just change its name) and
// back. The kubelet stops the pod when the file goes and starts it when it
// returns; the same holds for the lab's simulated kubelet
// (source/sim/static-pods.ts).
//
// Every change has a guard on the node itself: a detached sleeper that puts
// things back after a deadline, so a workstation that dies mid-drill (or a
// node the drill cannot reach any more, like one whose tailscaled it stopped)
// still ends up as it was.

const manifestsDir = '/etc/kubernetes/manifests';

/** A static pod's manifest, by the pod's name: `kube-vip` for /etc/kubernetes/manifests/kube-vip.yaml. */
export const staticPodManifest = (pod: string): string => `${manifestsDir}/${pod}.yaml`;

export const apiserverPod = 'kube-apiserver';
export const apiserverManifest = staticPodManifest(apiserverPod);

/** Where a pod's manifest waits during a drill, outside the manifests directory; one name per drill. */
export const heldManifest = (pod: string, drillId: string): string =>
  `/etc/kubernetes/${pod}.yaml.ha-wizard-drill-${drillId}`;

/** Runs `script` with `args` as $1… in its own session, detached from the SSH channel (which may die). */
export const detachedArgv = (script: string, args: readonly string[]): string[] => [
  'sh',
  '-c',
  // A background child of a non-interactive sh leads no process group, so setsid execs at once.
  'setsid sh -c "$0" ha-wizard-drill "$@" </dev/null >/dev/null 2>&1 &',
  script,
  ...args,
];

/** Exit 0 when the pod's manifest is in the manifests directory. */
export const manifestInPlaceArgv = (pod: string): string[] => [
  'test',
  '-f',
  staticPodManifest(pod),
];

/** Stops the pod: its manifest leaves the manifests directory (one rename). */
export const moveManifestOutArgv = (pod: string, held: string): string[] => [
  'mv',
  '--',
  staticPodManifest(pod),
  held,
];

const restoreScript =
  'if [ -e "$2" ]; then exit 0; fi; if [ -e "$1" ]; then exec mv -- "$1" "$2"; fi; echo "neither $1 nor $2 exists" >&2; exit 1';

/** Puts the manifest back (nothing when it is back already); exit 1 when it is nowhere. */
export const restoreManifestArgv = (pod: string, held: string): string[] => [
  'sh',
  '-c',
  restoreScript,
  'ha-wizard-drill',
  held,
  staticPodManifest(pod),
];

/** The node's own guard: after `seconds`, the manifest goes back unless the drill put it back. */
export const manifestGuardArgv = (pod: string, held: string, seconds: number): string[] =>
  detachedArgv('sleep "$1"; if [ -e "$2" ] && [ ! -e "$3" ]; then mv -- "$2" "$3"; fi', [
    String(Math.ceil(seconds)),
    held,
    staticPodManifest(pod),
  ]);

/** The stop comes this long after the command returns, so its SSH channel closes cleanly first. */
export const stopLeadSeconds = 1;

/** Marks a unit stop as not yet undone by the drill; on tmpfs, so a reboot forgets it. */
export const unitStopMarker = (drillId: string): string => `/run/ha-wizard-drill-${drillId}`;

/**
 * Stops `unit` (stopLeadSeconds from now) and starts it again `seconds` after the stop, on the
 * node by itself, unless the drill started it first (restoreUnitArgv removes the marker): stopping
 * tailscaled cuts the tailnet path the drill reaches the node through, so nobody else can start
 * it again; a later drill's stop of the same unit must not be undone by this one's timer.
 */
export const stopUnitForArgv = (unit: string, seconds: number, marker: string): string[] =>
  detachedArgv(
    ': > "$4"; sleep "$3"; systemctl stop "$1"; sleep "$2"; if [ -e "$4" ]; then rm -f -- "$4"; systemctl start "$1"; fi',
    [unit, String(Math.ceil(seconds)), String(stopLeadSeconds), marker],
  );

/** The drill starts the unit again itself, and disarms the node's own timer. */
export const restoreUnitArgv = (unit: string, marker: string): string[] => [
  'sh',
  '-c',
  'rm -f -- "$2"; exec systemctl start "$1"',
  'ha-wizard-drill',
  unit,
  marker,
];

export const unitActiveArgv = (unit: string): string[] => ['systemctl', 'is-active', unit];
