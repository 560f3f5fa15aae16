// The lab's coordination server: a small background process in the root
// namespace, started by `up` and stopped by `down`.
//
// Why a process and not reconcile-on-write from the simulated tool: the tool
// runs inside a host's network and mount namespace and cannot program the
// router's or other hosts' routes, and a failover must happen on a timer (the
// primary went offline N seconds ago) with nobody calling anything. One
// process that watches the shared directory (inotify, plus a 250 ms poll as a
// fallback) and reconciles is the simplest thing that is always right.
//
//   usage: node --import tsx coordinator.ts LABDIR
import {existsSync, mkdirSync, readFileSync, renameSync, watch, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {magicDnsSuffix, routerIp, routerNs, hostLink, hostNs} from './config.js';
import {ip} from './system.js';
import {
  acceptedRoutes,
  emptyState,
  reconcile,
  statusJson,
  statusText,
  type Policy,
  type PublishedPrefs,
  type TailnetHost,
  type TailnetState,
  type TailnetIdentity,
} from '../../source/sim/tailnet.js';

export interface TailnetConfig {
  readonly hosts: readonly TailnetHost[];
  readonly workstation: TailnetHost;
  readonly failoverDelayMs: number;
  /** Where the workstation's `tailscale status --json` goes (the lab's statusFile). */
  readonly statusFile: string;
}

const writeAtomic = (file: string, text: string) => {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
};

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/** What the lab's hosts see in `tailscale status` (the bash tool's `version` says the same). */
const labTailnet: TailnetIdentity = {
  magicDnsSuffix,
  version: '1.98.4-hwlab',
  name: 'hwlab@example.com',
};

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

export const runCoordinator = (dir: string) => {
  const tailnetDir = join(dir, 'tailnet');
  const config = readJson<TailnetConfig>(join(tailnetDir, 'config.json'));
  if (!config) throw new Error(`no tailnet config in ${tailnetDir}`);
  for (const sub of ['nodes', 'status', 'ack']) mkdirSync(join(tailnetDir, sub), {recursive: true});
  const byName = new Map(config.hosts.map((host) => [host.name, host]));
  const everyone = [config.workstation, ...config.hosts];

  let state: TailnetState = readJson<TailnetState>(join(tailnetDir, 'state.json')) ?? emptyState;
  let changedAt = Date.now();
  let lastWritten = '';
  const routerRoutes = new Map<string, string>(); // prefix -> host, as programmed
  const hostRoutes = new Map<string, Set<string>>(); // host -> prefixes in its table 52
  let wakeTimer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopping = false;

  const readPrefs = () => {
    const prefs: Record<string, PublishedPrefs> = {};
    for (const host of config.hosts) {
      const published = readJson<PublishedPrefs>(join(tailnetDir, 'nodes', `${host.name}.json`));
      if (published && published.HostName === host.name) prefs[host.name] = published;
    }
    return prefs;
  };

  const program = async () => {
    const want = new Map(Object.entries(state.primaries));
    for (const [prefix, host] of want) {
      if (routerRoutes.get(prefix) === host) continue;
      const address = byName.get(host)?.address;
      if (!address) continue;
      await ip(
        routerNs,
        'route',
        'replace',
        prefix,
        'via',
        address,
        'dev',
        hostLink(host),
        'onlink',
      );
      routerRoutes.set(prefix, host);
      log(`router: ${prefix} -> ${host}`);
    }
    for (const prefix of [...routerRoutes.keys()]) {
      if (want.has(prefix)) continue;
      await ip(routerNs, 'route', 'del', prefix).catch(() => undefined);
      routerRoutes.delete(prefix);
      log(`router: ${prefix} -> (none)`);
    }
    await Promise.all(
      config.hosts.map(async (host) => {
        const desired = new Set(acceptedRoutes(state, host.name));
        const have = hostRoutes.get(host.name) ?? new Set<string>();
        for (const prefix of desired) {
          if (have.has(prefix)) continue;
          await ip(
            hostNs(host.name),
            'route',
            'replace',
            prefix,
            'via',
            routerIp,
            'dev',
            'tailscale0',
            'onlink',
            'table',
            '52',
          );
          have.add(prefix);
        }
        for (const prefix of [...have]) {
          if (desired.has(prefix)) continue;
          await ip(hostNs(host.name), 'route', 'del', prefix, 'table', '52').catch(() => undefined);
          have.delete(prefix);
        }
        hostRoutes.set(host.name, have);
      }),
    );
  };

  let relayed = new Set<string>();
  const writeStatus = () => {
    const serial = JSON.stringify([state, [...relayed]]);
    if (serial === lastWritten) return;
    lastWritten = serial;
    changedAt = Date.now();
    for (const host of config.hosts) {
      writeAtomic(
        join(tailnetDir, 'status', `${host.name}.json`),
        `${JSON.stringify(statusJson(labTailnet, host, everyone, state, changedAt, relayed), null, 2)}\n`,
      );
      writeAtomic(
        join(tailnetDir, 'status', `${host.name}.txt`),
        statusText(host, everyone, state, relayed),
      );
    }
    writeAtomic(
      config.statusFile,
      `${JSON.stringify(statusJson(labTailnet, config.workstation, everyone, state, changedAt), null, 2)}\n`,
    );
    writeAtomic(join(tailnetDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  };

  const tick = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (!existsSync(`/run/netns/${routerNs}`) || !existsSync(tailnetDir)) {
          log('the lab is gone: exiting');
          stop();
          return;
        }
        const policy = readJson<Policy>(join(tailnetDir, 'policy.json')) ?? {
          autoApprove: true,
          approved: {},
        };
        relayed = new Set(policy.relayed ?? []);
        const result = reconcile(state, readPrefs(), policy, Date.now(), config.failoverDelayMs);
        state = result.state;
        await program();
        writeStatus();
        for (const [name, node] of Object.entries(state.nodes)) {
          writeAtomic(join(tailnetDir, 'ack', name), `${node.seq}\n`);
        }
        if (wakeTimer) clearTimeout(wakeTimer);
        wakeTimer =
          result.wakeAt === undefined
            ? undefined
            : setTimeout(() => void tick(), Math.max(0, result.wakeAt - Date.now()) + 5);
      } while (again);
    } catch (error) {
      log(
        `reconcile failed (will retry): ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      running = false;
    }
  };

  const watcher = watch(join(tailnetDir, 'nodes'), () => void tick());
  const policyWatcher = watch(tailnetDir, (_event, file) => {
    if (file === 'policy.json') void tick();
  });
  const poll = setInterval(() => void tick(), 250);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    policyWatcher.close();
    clearInterval(poll);
    if (wakeTimer) clearTimeout(wakeTimer);
  };
  process.on('SIGTERM', () => {
    stop();
    process.exit(0);
  });
  process.on('SIGINT', () => {
    stop();
    process.exit(0);
  });
  log(`coordinator up: ${config.hosts.length} hosts, failover delay ${config.failoverDelayMs} ms`);
  void tick().then(() => writeAtomic(join(tailnetDir, 'ready'), `${process.pid}\n`));
};

const [, script, dir] = process.argv;
if (script?.endsWith('coordinator.ts') && dir) runCoordinator(dir);
