/**
 * The kube-vip every run installs, pinned (as Cilium's chart is) so two runs
 * give the same image; shown on the Review screen. A new release is a change
 * to this line. A file of its own so Review can name it without loading the
 * YAML library with the generators.
 */
export const kubeVipVersion = 'v1.1.2';
