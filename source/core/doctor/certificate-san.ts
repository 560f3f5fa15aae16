// The VIP in the apiserver certificate's SANs (DOMAIN.md "Target topology"):
// kubectl through the VIP verifies the server's certificate against the
// address it dialled; without the VIP in it every such call fails with an x509
// error. Parsing a certificate is computation, not I/O: node:crypto's
// X509Certificate, as the run's CA hash does.
// Every endpoint: the LAN endpoints' VIP is in certSANs too, and kubectl
// through it checks the certificate the same way.
import {X509Certificate} from 'node:crypto';
import {vipAddress} from '../artifacts/vip.js';
import {manualFix, result} from './check.js';
import {perHost} from './per-host.js';

const id = 'apiserver-cert-san';
export const apiserverCertPath = '/etc/kubernetes/pki/apiserver.crt';

/** `DNS:cp1, IP Address:10.200.0.1, …` split into entries. */
export const subjectAltNames = (pem: string): string[] =>
  (new X509Certificate(pem).subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export const apiserverCertSan = perHost(
  id,
  'VIP in the apiserver certificate',
  ['control-plane'],
  (host, cluster) => {
    if (host.apiserverCert === undefined || host.apiserverCert === null)
      return result(
        id,
        host.host,
        'unknown',
        `${apiserverCertPath} ${host.apiserverCert === null ? 'does not exist' : 'was not read'}`,
        `${host.host} has no apiserver certificate yet (kubeadm init or a control-plane join writes it).`,
      );
    let names: string[];
    try {
      names = subjectAltNames(host.apiserverCert);
    } catch (error) {
      return result(
        id,
        host.host,
        'unknown',
        `${apiserverCertPath}: not a PEM certificate (${(error as Error).message})`,
        'Doctor could not read the certificate.',
      );
    }
    const vip = vipAddress(cluster.vip);
    const evidence = `${apiserverCertPath} SANs: ${names.join(', ')}`;
    if (names.includes(`IP Address:${vip}`))
      return result(id, host.host, 'pass', evidence, `The certificate is valid for ${vip}.`);
    const extra = [vip, host.ip, host.dnsName].filter((name) => name !== '').join(',');
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `${host.host}'s apiserver certificate does not name ${vip}, so kubectl through the VIP refuses it ("x509: certificate is valid for …, not ${vip}") whenever the tailnet routes the VIP to ${host.host}.`,
      manualFix(
        `Issue a new apiserver certificate that includes ${vip} (the CA stays), restart the apiserver, and add ${vip} to apiServer.certSANs in the kubeadm-config ConfigMap so later joins and upgrades keep it.`,
        [
          `sudo mkdir -p /root/apiserver-old && sudo mv /etc/kubernetes/pki/apiserver.crt /etc/kubernetes/pki/apiserver.key /root/apiserver-old/`,
          // Without --service-cidr kubeadm puts its default's first address (10.96.0.1) in the
          // certificate, the wrong `kubernetes` service IP for a cluster with another range.
          `sudo kubeadm init phase certs apiserver --apiserver-advertise-address ${host.ip || 'NODE-IP'} --apiserver-cert-extra-sans ${extra} --control-plane-endpoint ${vip}:6443 --service-cidr ${cluster.serviceCidr ?? 'SERVICE-CIDR'}`,
          `sudo mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/ && sleep 20 && sudo mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/`,
          'kubectl -n kube-system edit configmap kubeadm-config   # apiServer.certSANs',
        ],
      ),
    );
  },
);
