// Where kubeadm and the kubelet keep their files on a node: one module of its
// own, so the kubelet model (static-pods.ts) and kubeadm.ts share it without
// importing each other.
export const paths = {
  manifests: '/etc/kubernetes/manifests',
  pki: '/etc/kubernetes/pki',
  adminConf: '/etc/kubernetes/admin.conf',
  kubeletConf: '/etc/kubernetes/kubelet.conf',
  kubeletConfig: '/var/lib/kubelet/config.yaml',
  kubeletFlags: '/var/lib/kubelet/kubeadm-flags.env',
  etcdData: '/var/lib/etcd',
} as const;
