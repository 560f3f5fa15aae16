// The name a tailnet device has as a Kubernetes node. The kubelet registers
// the lowercased host name and kubeadm must use the same; Tailscale keeps the
// OS host name's case (hostinfo.go: FirstLabel(os.Hostname())), so a device
// reported as `CP1` is the node `cp1`. Some clients report no host name at
// all: their MagicDNS label is the next best name.
export const nodeName = (peer: {readonly hostName: string; readonly dnsName: string}): string =>
  (peer.hostName || peer.dnsName.split('.')[0] || '').toLowerCase();
