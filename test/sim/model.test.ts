import {createHash, X509Certificate} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {parseGoDuration} from '../../source/sim/args.js';
import {caCertHash} from '../../source/sim/cluster.js';
import {createdAgo, table} from '../../source/sim/kube-tools.js';
import {makeCa, makeCertificate, rsaKeyPair} from '../../source/sim/x509.js';

describe('source/sim', () => {
  it('makes a real self-signed CA whose kubeadm hash is sha256 of its SPKI', () => {
    const ca = makeCa(new Date());
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const spki = cert.publicKey.export({type: 'spki', format: 'der'});
    expect(caCertHash(ca.certPem)).toBe(
      `sha256:${createHash('sha256').update(spki).digest('hex')}`,
    );
  });

  it('makes certificates OpenSSL can read every time, whatever the random serial (1,000 of them)', () => {
    // A serial starting with a zero byte is "illegal padding" in DER: 1 in 256 before the fix.
    const pair = rsaKeyPair();
    for (let i = 0; i < 1000; i++) {
      const pem = makeCertificate({
        subject: {commonName: `node-${i}`},
        ...pair,
        isCa: false,
        notBefore: new Date(0),
        notAfter: new Date(86_400_000),
      });
      expect(() => new X509Certificate(pem), `certificate ${i}`).not.toThrow();
    }
  });

  it('parses kubeadm ttl durations like Go', () => {
    expect(parseGoDuration('24h0m0s')).toBe(86_400_000);
    expect(parseGoDuration('2h')).toBe(7_200_000);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('2 hours')).toBeUndefined();
  });

  it("lays out crictl's table like the real one (tabwriter minwidth 20, padding 3)", () => {
    const out = table(
      [
        ['CONTAINER', 'NAME', 'POD'],
        ['4dadb4d9ea1c3', 'kube-controller-manager', 'x'],
      ],
      20,
    );
    expect(out.split('\n')[1]).toBe('4dadb4d9ea1c3       kube-controller-manager   x');
    expect(createdAgo(28_000)).toBe('28 seconds ago');
    expect(createdAgo(150_000)).toBe('2 minutes ago');
  });
});
