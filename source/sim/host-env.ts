// The model's environment on a real (lab) host: the host's own files,
// sockets and processes. This runs inside the host's namespaces, started by
// the /usr/bin shims (test/lab/tools/sim-shim). The cluster store is one JSON
// file in the directory every lab host shares, replaced atomically under an
// O_EXCL lock file.
import {execFile, spawn} from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import {request} from 'node:https';
import {connect} from 'node:net';
import {dirname} from 'node:path';
import type {ClusterState} from './cluster.js';
import {
  defaultSettings,
  type HostFacts,
  type HttpsAnswer,
  type Probe,
  type SimEnv,
  type SimSettings,
} from './env.js';

export const clusterDir = process.env['HWLAB_CLUSTER_DIR'] ?? '/run/hwlab-cluster';
const runDir = '/run/hwlab-sim';

const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const writeAtomic = (path: string, text: string, mode = 0o644) => {
  mkdirSync(dirname(path), {recursive: true});
  const tmp = `${path}.hwlab-${process.pid}`;
  writeFileSync(tmp, text, {mode});
  chmodSync(tmp, mode);
  renameSync(tmp, path);
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const withLock = <T>(fn: () => T): T => {
  const lock = `${clusterDir}/cluster.lock`;
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // A holder that died: its lock is older than 10 s.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) rmSync(lock, {force: true});
      } catch {
        // gone meanwhile
      }
      if (i > 2000) throw new Error(`cluster store lock ${lock} stayed busy`);
      sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, {force: true});
  }
};

const probe = (host: string, port: number, timeoutMs: number) =>
  new Promise<Probe>((resolve) => {
    const socket = connect({host, port});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(
        error.code === 'ECONNREFUSED'
          ? 'refused'
          : error.code === 'ETIMEDOUT'
            ? 'timeout'
            : 'unreachable',
      );
    });
  });

const get = (url: string, caPem: string | undefined, timeoutMs: number) =>
  new Promise<HttpsAnswer>((resolve) => {
    const req = request(
      url,
      {ca: caPem, rejectUnauthorized: caPem !== undefined, timeout: timeoutMs},
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({error: 'timeout'});
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve({error: 'refused'});
      else if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH')
        resolve({error: 'unreachable'});
      else if (error.code === 'ECONNRESET' || error.code === 'ETIMEDOUT')
        resolve({error: 'timeout'});
      else resolve({error: 'tls', tls: error.message});
    });
    req.end();
  });

/** Whether pid runs (not a zombie). EPERM means it exists but is root's: `systemctl is-active` runs without sudo. */
const alive = (pid: number) => {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const pidOf = (unit: string) => Number(readText(`${runDir}/${unit}.pid`) ?? 0);

export const hostEnv = (bundle: string): SimEnv => {
  const facts = JSON.parse(readText('/var/lib/hwlab/facts.json') ?? '{}') as HostFacts;
  const settings: SimSettings = {
    ...defaultSettings,
    ...(JSON.parse(readText(`${clusterDir}/settings.json`) ?? '{}') as Partial<SimSettings>),
  };
  const clusterFile = `${clusterDir}/cluster.json`;
  const readCluster = () => {
    const text = readText(clusterFile);
    return text ? (JSON.parse(text) as ClusterState) : undefined;
  };
  return {
    host: process.env['HOSTNAME'] ?? readText('/etc/hostname')?.trim() ?? 'localhost',
    uid: process.getuid?.() ?? 0,
    pid: process.pid,
    facts,
    settings,
    now: () => Date.now(),
    sleep,
    fs: {
      read: readText,
      write: writeAtomic,
      remove: (path) => rmSync(path, {force: true, recursive: true}),
      list: (dir) => {
        try {
          return readdirSync(dir).sort();
        } catch {
          return [];
        }
      },
    },
    cluster: {
      read: readCluster,
      update: (fn) =>
        withLock(() => {
          const [next, result] = fn(readCluster());
          if (next) writeAtomic(clusterFile, `${JSON.stringify(next)}\n`, 0o600);
          else rmSync(clusterFile, {force: true});
          return result;
        }),
    },
    net: {probe, get},
    procs: {
      start: (unit, argv, extra) => {
        if (alive(pidOf(unit))) return;
        mkdirSync(runDir, {recursive: true});
        mkdirSync('/var/log/hwlab', {recursive: true});
        const log = openSync(`/var/log/hwlab/${unit}.log`, 'a');
        const [file, ...args] = argv;
        const child = spawn(file ?? '/bin/false', args, {
          detached: true,
          stdio: ['ignore', log, log],
          env: {...process.env, ...extra},
        });
        closeSync(log);
        child.unref();
        writeFileSync(`${runDir}/${unit}.pid`, `${child.pid}\n`);
      },
      stop: (unit) => {
        const pid = pidOf(unit);
        if (pid > 0 && alive(pid)) {
          try {
            process.kill(-pid, 'SIGTERM');
          } catch {
            process.kill(pid, 'SIGTERM');
          }
          for (let i = 0; i < 100 && alive(pid); i++) sleepSync(20);
          if (alive(pid)) process.kill(-pid, 'SIGKILL');
        }
        rmSync(`${runDir}/${unit}.pid`, {force: true});
      },
      running: (unit) => alive(pidOf(unit)),
    },
    exec: (argv, stdin) =>
      new Promise((resolve) => {
        const [file, ...args] = argv;
        const child = execFile(file ?? 'false', args, {encoding: 'utf8'}, (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 127) : 0,
            stdout,
            stderr,
          }),
        );
        if (stdin !== undefined) child.stdin?.end(stdin);
        else child.stdin?.end();
      }),
    agentArgv: [process.execPath, bundle, 'hwlab-agent'],
  };
};

export const fileExists = existsSync;
