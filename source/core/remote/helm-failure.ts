// What to do when `helm upgrade --install cilium` fails, read from helm's own
// message: the usual cause on a real node is not the internet but helm itself
// (preflight finds it first now) or an apiserver helm cannot reach.
export const helmFailureSuggestion = (host: string, stderr: string): string => {
  if (/command not found|: not found|No such file or directory/.test(stderr) && /helm/.test(stderr))
    return `helm is not installed where sudo looks on ${host}: install Helm 3 (https://helm.sh/docs/intro/install/) and run ha-wizard apply again.`;
  if (/Kubernetes cluster unreachable/.test(stderr))
    return `helm could not reach the apiserver through /etc/kubernetes/admin.conf on ${host}: check that its kube-apiserver answers (curl -sk https://127.0.0.1:6443/readyz) and run ha-wizard apply again.`;
  if (/chart "cilium" version "[^"]*" not found/.test(stderr))
    return 'https://helm.cilium.io does not offer the pinned Cilium chart version; a newer ha-wizard pins one it offers.';
  if (
    /helm\.cilium\.io|quay\.io/.test(stderr) &&
    /dial tcp|no such host|i\/o timeout|TLS handshake|deadline exceeded|connection refused/.test(
      stderr,
    )
  )
    return `${host} could not download the Cilium chart from https://helm.cilium.io: check its internet access and DNS (curl -sI https://helm.cilium.io/index.yaml).`;
  return `Read helm's message above: the install runs on ${host} with /etc/kubernetes/admin.conf and the chart from https://helm.cilium.io.`;
};
