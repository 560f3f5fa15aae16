import {createHash, X509Certificate} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {parseGoDuration} from '../../source/sim/args.js';
import {caCertHash} from '../../source/sim/cluster.js';
import type {SimEnv} from '../../source/sim/env.js';
import {createdAgo, crictl, table} from '../../source/sim/kube-tools.js';
import {simState, type PodRecord} from '../../source/sim/static-pods.js';
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

  it('crictl ps filters as crictl does: running unless -a or --state, --name as a pattern', async () => {
    const pod = (name: string, state: PodRecord['state']): PodRecord => ({
      name,
      attempt: 0,
      containerId: `${name}-c`.padEnd(64, '0'),
      podId: `${name}-p`.padEnd(64, '0'),
      image: 'registry.k8s.io/x:1',
      startedAt: 0,
      state,
    });
    const files = new Map<string, string>([
      [
        simState.pods,
        JSON.stringify([pod('kube-apiserver', 'Running'), pod('kube-vip', 'Exited')]),
      ],
    ]);
    const env = {
      host: 'cp1',
      uid: 0,
      now: () => 60_000,
      fs: {read: (path: string) => files.get(path)},
    } as unknown as SimEnv;
    const names = async (...argv: string[]) =>
      (await crictl(env, ['ps', ...argv])).stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s{3,}/)[4]);
    expect(await names()).toEqual(['kube-apiserver']);
    expect(await names('-a')).toEqual(['kube-apiserver', 'kube-vip']);
    expect(await names('--name', 'kube-vip')).toEqual([]);
    expect(await names('--state', 'Exited', '--name', '^kube-v')).toEqual(['kube-vip']);
    expect((await crictl(env, ['ps', '--state', 'gone'])).code).toBe(1);
  });
});
