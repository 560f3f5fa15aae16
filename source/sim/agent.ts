// The node agent: the simulated kubelet and, on a control plane, the static
// pods it runs from /etc/kubernetes/manifests. It listens where the real ones
// do (kubelet 10250/10248, etcd 2379/2380, controller-manager 10257, scheduler
// 10259, kube-apiserver 6443 over HTTPS with the node's apiserver certificate)
// and opens or closes them as static-pods.ts says the pods run (which is where
// the seed 001 crash loop lives, shared with the in-process demo). kube-vip's
// static pod runs as kube-vip.ts models it, with a real VIP and real ARP.
import {createServer as createHttps, type Server as HttpsServer} from 'node:https';
import {createServer as createHttp} from 'node:http';
import {createServer as createTcp, type Server} from 'node:net';
import {apiAnswer} from './cluster.js';
import type {SimEnv} from './env.js';
import {paths} from './kubeadm.js';
import {kubeVipRunner} from './kube-vip.js';
import {staticPods, staticPodTicker} from './static-pods.js';

interface Listener {
  server: Server | HttpsServer;
  port: number;
  open: boolean;
}

export const runAgent = async (env: SimEnv, log: (line: string) => void) => {
  const tcp = (port: number): Listener => ({
    server: createTcp((socket) => socket.destroy()),
    port,
    open: false,
  });
  const kubelet = createHttp((_, res) => res.end('ok'));
  kubelet.listen(10248, '127.0.0.1');
  const listeners: Record<string, Listener[]> = {
    kubelet: [tcp(10250)],
    etcd: [tcp(2379), tcp(2380)],
    'kube-controller-manager': [tcp(10257)],
    'kube-scheduler': [tcp(10259)],
    'kube-apiserver': [],
  };
  let apiserverCert = '';
  const setOpen = (l: Listener, open: boolean) => {
    if (open === l.open) return;
    l.open = open;
    if (open) {
      l.server.listen(l.port, '0.0.0.0');
      l.server.once('error', (error) => {
        log(`listen ${l.port}: ${(error as Error).message}`);
        l.open = false;
      });
    } else {
      l.server.close();
      if ('closeAllConnections' in l.server) l.server.closeAllConnections();
    }
  };
  const apiserver = () => {
    const cert = env.fs.read(`${paths.pki}/apiserver.crt`) ?? '';
    const key = env.fs.read(`${paths.pki}/apiserver.key`) ?? '';
    if (cert === '' || key === '') return undefined;
    if (cert !== apiserverCert) {
      // kubeadm may still be writing the key: createHttps throws, and the next tick retries
      // (so the cert is remembered only once a server exists).
      const server = createHttps({cert, key}, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://localhost');
        const answer = apiAnswer(
          env.cluster.read(),
          url.pathname,
          url.searchParams,
          env.settings.kubeadmVersion,
          env.now(),
        );
        res.writeHead(answer.status, {
          'content-type': answer.json ? 'application/json' : 'text/plain; charset=utf-8',
        });
        res.end(answer.body);
      });
      server.keepAliveTimeout = 1000;
      for (const l of listeners['kube-apiserver'] ?? []) setOpen(l, false);
      apiserverCert = cert;
      listeners['kube-apiserver'] = [{server, port: 6443, open: false}];
    }
    return listeners['kube-apiserver'];
  };

  const kubeVip = kubeVipRunner(env, log);
  const pods = staticPodTicker(env, kubeVip.container);
  const tick = () => {
    setOpen(listeners['kubelet']![0]!, true);
    const present = new Set(env.fs.list(paths.manifests).map((f) => f.replace(/\.yaml$/, '')));
    const running = pods();
    for (const name of staticPods) {
      const group =
        name === 'kube-apiserver'
          ? present.has(name)
            ? apiserver()
            : listeners[name]
          : listeners[name];
      for (const l of group ?? []) setOpen(l, running.has(name));
    }
  };
  let stopping = false;
  const stop = () => {
    stopping = true;
    // The kubelet stopping stops its static pods (a lab deviation): kube-vip gets its SIGTERM too.
    void kubeVip
      .terminate()
      .catch((error: unknown) => log(`kube-vip: ${(error as Error).message}`))
      .finally(() => {
        for (const group of Object.values(listeners)) for (const l of group) setOpen(l, false);
        kubelet.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  while (!stopping) {
    try {
      tick();
      await kubeVip.tick();
    } catch (error) {
      log(`tick: ${(error as Error).message}`);
    }
    await env.sleep(200);
  }
};
