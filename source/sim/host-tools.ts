// The systemd / networkd / NetworkManager front-ends (there is no systemd PID 1
// or D-Bus in the lab) and containerd's CLI (the lab has no real 2.x binary;
// the demo has no containerd at all).
import {randomUUID} from 'node:crypto';
import {parse as parseToml, stringify as stringifyToml} from 'smol-toml';
import {effectiveSystemdCgroup} from '../core/containerd/systemd-cgroup.js';
import {simState, startKubelet} from './static-pods.js';
import type {SimEnv, ToolResult} from './env.js';
import {fail, ok} from './env.js';
import {paths as kubeadmPaths} from './kubeadm.js';
import {serviceStart, startFailed} from './unit-file.js';

const unitsFile = '/var/lib/hwlab/sim/units.json';
type UnitTable = Record<string, {active?: boolean; enabled?: boolean}>;
const unitName = (u: string) => (u.includes('.') ? u : `${u}.service`);

const readUnits = (env: SimEnv): UnitTable =>
  JSON.parse(env.fs.read(unitsFile) ?? '{}') as UnitTable;
const unitFile = (env: SimEnv, unit: string) =>
  ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system']
    .map((dir) => `${dir}/${unit}`)
    .find((file) => env.fs.read(file) !== undefined);

/** Units the host "has" and whether they run. */
const isActive = (env: SimEnv, unit: string): boolean => {
  const saved = readUnits(env)[unit];
  switch (unit) {
    case 'kubelet.service':
      return env.procs.running('kubelet');
    case 'systemd-networkd.service':
      return env.facts.networkManager === 'systemd-networkd';
    case 'NetworkManager.service':
      return env.facts.networkManager === 'NetworkManager';
    case 'containerd.service':
      return saved?.active ?? true;
    case 'ssh.service':
      return true;
    default:
      return env.procs.running(unit);
  }
};
const known = (env: SimEnv, unit: string) =>
  [
    'kubelet.service',
    'systemd-networkd.service',
    'NetworkManager.service',
    'containerd.service',
    'ssh.service',
    'tailscaled.service',
  ].includes(unit) || unitFile(env, unit) !== undefined;

/**
 * The lab's tailscaled is real: systemctl acts on it through the lab's
 * helper (test/lab/tools/tailscaled-ctl). Where there is none (the in-process
 * demo), tailscaled is a unit like any other, running until stopped.
 */
const tailscaledCtl = '/usr/lib/hwlab/tailscaled-ctl';
const tailscaled = async (env: SimEnv, verb: 'is-active' | 'stop' | 'start') => {
  if (env.fs.read(tailscaledCtl) !== undefined)
    return (await env.exec([tailscaledCtl, verb])).code === 0;
  const units = readUnits(env);
  if (verb === 'is-active') return units['tailscaled.service']?.active ?? true;
  units['tailscaled.service'] = {...units['tailscaled.service'], active: verb === 'start'};
  env.fs.write(unitsFile, `${JSON.stringify(units)}\n`);
  return true;
};

/** containerd (re)starts: it reads its config again; a config it cannot load leaves it failed. */
const restartContainerd = async (env: SimEnv): Promise<boolean> => {
  const dump = await env.exec(['containerd', 'config', 'dump']);
  let systemdCgroup = false;
  let good = dump.code === 0;
  if (good) {
    try {
      systemdCgroup = effectiveSystemdCgroup(dump.stdout).systemdCgroup === true;
    } catch {
      good = false;
    }
  }
  env.fs.write(simState.containerd, `${JSON.stringify({systemdCgroup, restartedAt: env.now()})}\n`);
  const units = readUnits(env);
  units['containerd.service'] = {...units['containerd.service'], active: good};
  env.fs.write(unitsFile, `${JSON.stringify(units)}\n`);
  return good;
};

/**
 * A unit file's start, as systemd does it (unit-file.ts): skipped when a
 * condition fails, failed when an ExecStartPre= fails, and for Type=notify
 * (keepalived, HAProxy) failed when the process dies before it could say it is
 * ready (a bad config makes HAProxy exit at once); a process still running
 * after a second is taken as ready. Undefined: started (or skipped).
 */
const startFromUnitFile = async (
  env: SimEnv,
  unit: string,
  file: string,
): Promise<ToolResult | undefined> => {
  const service = serviceStart(env.fs.read(file) ?? '', (path) => env.fs.read(path));
  if (service.skippedBecause !== undefined) return undefined;
  const withEnvironment = Object.entries(service.environment).map(
    ([key, value]) => `${key}=${value}`,
  );
  for (const pre of service.preStart) {
    const result = await env.exec([
      'env',
      ...withEnvironment,
      '/bin/sh',
      '-c',
      `exec ${pre.command}`,
    ]);
    if (result.code !== 0 && !pre.ignoreFailure) return fail(1, startFailed(unit));
  }
  env.procs.start(unit, ['/bin/sh', '-c', `exec ${service.command}`], service.environment);
  if (service.type === 'notify') {
    for (let waited = 0; waited < 1000; waited += 100) {
      await env.sleep(100);
      if (!env.procs.running(unit)) return fail(1, startFailed(unit));
    }
  }
  return undefined;
};

export const systemctl = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const flags = argv.filter((a) => a.startsWith('-'));
  const [command, ...rest] = argv.filter((a) => !a.startsWith('-'));
  const units = rest.map(unitName);
  const now = flags.includes('--now');
  const changing = [
    'start',
    'stop',
    'restart',
    'enable',
    'disable',
    'daemon-reload',
    'reload',
  ].includes(command ?? '');
  if (changing && env.uid !== 0)
    return fail(
      1,
      `Failed to ${command} ${units[0] ?? 'daemon'}: Interactive authentication required.\nSee system logs and 'systemctl status ${units[0] ?? ''}' for details.\n`,
    );
  const start = async (unit: string): Promise<ToolResult | undefined> => {
    if (!known(env, unit)) return fail(5, `Failed to start ${unit}: Unit ${unit} not found.\n`);
    if (unit === 'containerd.service') {
      if (!(await restartContainerd(env)))
        return fail(
          1,
          `Job for containerd.service failed because the control process exited with error code.\nSee "systemctl status containerd.service" and "journalctl -xeu containerd.service" for details.\n`,
        );
    } else if (unit === 'kubelet.service') {
      if (env.fs.read(kubeadmPaths.kubeletConfig) !== undefined) startKubelet(env);
    } else if (unit === 'tailscaled.service') {
      if (!(await tailscaled(env, 'start')))
        return fail(
          1,
          `Job for tailscaled.service failed because the control process exited with error code.\nSee "systemctl status tailscaled.service" and "journalctl -xeu tailscaled.service" for details.\n`,
        );
    } else {
      const file = unitFile(env, unit);
      if (file && !env.procs.running(unit)) return startFromUnitFile(env, unit, file);
    }
    return undefined;
  };
  const stop = async (unit: string) => {
    if (unit === 'tailscaled.service') await tailscaled(env, 'stop');
    else if (unit === 'containerd.service') {
      const table = readUnits(env);
      table[unit] = {...table[unit], active: false};
      env.fs.write(unitsFile, `${JSON.stringify(table)}\n`);
    } else env.procs.stop(unit === 'kubelet.service' ? 'kubelet' : unit);
  };
  const active = (unit: string) =>
    unit === 'tailscaled.service'
      ? tailscaled(env, 'is-active')
      : Promise.resolve(isActive(env, unit));
  const setEnabled = (unit: string, enabled: boolean) => {
    const table = readUnits(env);
    table[unit] = {...table[unit], enabled};
    env.fs.write(unitsFile, `${JSON.stringify(table)}\n`);
  };
  switch (command) {
    case 'is-active': {
      const states = await Promise.all(units.map((u) => active(u)));
      return {
        code: states.every(Boolean) ? 0 : 3,
        stdout: states.map((s) => (s ? 'active\n' : 'inactive\n')).join(''),
        stderr: '',
      };
    }
    case 'is-enabled': {
      const states = units.map((u) =>
        known(env, u)
          ? (readUnits(env)[u]?.enabled ??
            !unitFile(env, u)?.startsWith('/etc/systemd/system/ha-wizard'))
            ? 'enabled'
            : 'disabled'
          : undefined,
      );
      if (states.includes(undefined))
        return fail(
          1,
          `Failed to get unit file state for ${units[states.indexOf(undefined)]}: No such file or directory\n`,
        );
      return {
        code: states.every((s) => s === 'enabled') ? 0 : 1,
        stdout: states.map((s) => `${s}\n`).join(''),
        stderr: '',
      };
    }
    case 'daemon-reload':
      return ok();
    case 'start':
    case 'restart':
    case 'reload':
    case 'try-restart': {
      for (const unit of units) {
        if (command !== 'start' && unit !== 'containerd.service') await stop(unit);
        const failed = await start(unit);
        if (failed) return failed;
      }
      return ok();
    }
    case 'stop':
      for (const unit of units) await stop(unit);
      return ok();
    case 'enable':
    case 'disable': {
      let err = '';
      for (const unit of units) {
        const file = unitFile(env, unit);
        if (!known(env, unit))
          return fail(1, `Failed to ${command} unit: Unit file ${unit} does not exist.\n`);
        setEnabled(unit, command === 'enable');
        if (file?.startsWith('/etc/systemd/system/'))
          err +=
            command === 'enable'
              ? `Created symlink /etc/systemd/system/multi-user.target.wants/${unit} → ${file}.\n`
              : `Removed "/etc/systemd/system/multi-user.target.wants/${unit}".\n`;
        if (now) {
          if (command === 'enable') {
            const failed = await start(unit);
            if (failed) return failed;
          } else await stop(unit);
        }
      }
      return ok('', err);
    }
    case 'status': {
      const unit = units[0] ?? '';
      if (!known(env, unit)) return fail(4, `Unit ${unit} could not be found.\n`);
      const running = await active(unit);
      return {
        code: running ? 0 : 3,
        stdout: `${running ? '●' : '○'} ${unit}\n     Loaded: loaded (${unitFile(env, unit) ?? `/lib/systemd/system/${unit}`}; enabled; preset: enabled)\n     Active: ${running ? 'active (running)' : 'inactive (dead)'}\n`,
        stderr: '',
      };
    }
    default:
      return fail(1, `Unknown command verb ${command ?? ''}.\n`);
  }
};

/** systemd.network files: [Section] Key=Value, repeated keys kept. */
const ini = (text: string) => {
  const out: Array<{section: string; key: string; value: string}> = [];
  let section = '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(t);
    if (s) section = s[1] ?? '';
    else {
      const i = t.indexOf('=');
      if (i > 0) out.push({section, key: t.slice(0, i).trim(), value: t.slice(i + 1).trim()});
    }
  }
  return out;
};

const applyAddresses = async (env: SimEnv, link: string, addresses: readonly string[]) => {
  let err = '';
  for (const address of addresses) {
    const r = await env.exec(['ip', 'addr', 'replace', address, 'dev', link]);
    err += r.stderr;
  }
  if (addresses.length > 0) await env.exec(['ip', 'link', 'set', link, 'up']);
  return err;
};

/**
 * A `dummy` link, as networkd (Kind=dummy) and NetworkManager (type dummy) create one. This
 * kernel has no dummy type (CONFIG_DUMMY unset), so the lab makes a port-less bridge in its
 * place, up: addresses on it are delivered locally exactly like on a dummy.
 */
const createDummy = async (env: SimEnv, name: string): Promise<string> => {
  const made = await env.exec(['ip', 'link', 'add', name, 'type', 'bridge']);
  const up = await env.exec(['ip', 'link', 'set', name, 'up']);
  return made.stderr + up.stderr;
};

export const networkctl = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const running = env.facts.networkManager === 'systemd-networkd';
  const warn = running
    ? ''
    : 'WARNING: systemd-networkd is not running, output will be incomplete.\n\n';
  if (argv[0] === 'delete') {
    // Real networkctl deletes virtual links over rtnetlink itself: no networkd needed.
    for (const name of argv.slice(1)) {
      if ((await env.exec(['ip', 'link', 'show', name])).code !== 0)
        return fail(1, `Failed to resolve interface "${name}": No such device\n`);
      if (env.uid !== 0)
        return fail(1, `Failed to delete interface ${name}: Operation not permitted\n`);
      await env.exec(['ip', 'link', 'delete', name]);
    }
    return ok('');
  }
  if (argv[0] === 'reconfigure') return reconfigure(env, argv.slice(1), running, warn);
  if (argv[0] !== 'reload') {
    const r = await env.exec(['ip', '-o', 'link', 'show']);
    return ok(`${warn}IDX LINK TYPE OPERATIONAL SETUP\n${r.stdout}`);
  }
  if (!running)
    return fail(
      1,
      `${warn}Failed to reload network settings: Unit dbus-org.freedesktop.network1.service not found.\n`,
    );
  if (env.uid !== 0) return fail(1, 'Failed to reload network settings: Access denied\n');
  const dir = '/etc/systemd/network';
  const loaded = JSON.parse(env.fs.read(networkdLoaded) ?? '{}') as Record<string, string>;
  let log = '';
  const created = new Set<string>();
  for (const file of env.fs.list(dir).filter((f) => f.endsWith('.netdev'))) {
    const entries = ini(env.fs.read(`${dir}/${file}`) ?? '');
    const name = entries.find((e) => e.section === 'NetDev' && e.key === 'Name')?.value;
    const kind = entries.find((e) => e.section === 'NetDev' && e.key === 'Kind')?.value;
    if (name && (await env.exec(['ip', 'link', 'show', name])).code !== 0) {
      if (kind === 'dummy') {
        log += await createDummy(env, name);
        created.add(name);
      } else
        log += `${file}: Kind=${kind ?? ''} is not simulated in the lab; ${name} not created\n`;
    }
  }
  // networkctl(1), reload: only links matching a new, modified or removed .network
  // file are reconfigured (systemd >= 250, PR #21122); a link that just appeared is
  // configured as any new link is. An unchanged file re-applies nothing, so an
  // address removed by hand (or by the health gate) stays removed.
  const files = env.fs.list(dir).filter((f) => f.endsWith('.network'));
  const now: Record<string, string> = {};
  for (const file of files) now[file] = env.fs.read(`${dir}/${file}`) ?? '';
  for (const file of files) {
    const entries = ini(now[file] ?? '');
    const names = entries
      .filter((e) => e.section === 'Match' && e.key === 'Name')
      .flatMap((e) => e.value.split(/\s+/));
    const changed = loaded[file] !== now[file];
    for (const name of names)
      if (
        (changed || created.has(name)) &&
        (await env.exec(['ip', 'link', 'show', name])).code === 0
      )
        log += await applyAddresses(env, name, addressesOf(entries));
  }
  env.fs.write(networkdLoaded, `${JSON.stringify(now)}\n`);
  return ok('', log);
};

/** `networkctl reconfigure LINK...` (systemd >= 246): re-applies the link's .network, changed or not. */
const reconfigure = async (
  env: SimEnv,
  links: readonly string[],
  running: boolean,
  warn: string,
): Promise<ToolResult> => {
  if (!running)
    return fail(
      1,
      `${warn}Failed to reconfigure network interface: Unit dbus-org.freedesktop.network1.service not found.\n`,
    );
  if (env.uid !== 0) return fail(1, 'Failed to reconfigure network interface: Access denied\n');
  const dir = '/etc/systemd/network';
  let log = '';
  for (const link of links) {
    if ((await env.exec(['ip', 'link', 'show', link])).code !== 0)
      return fail(1, `Failed to resolve interface "${link}": No such device\n`);
    for (const file of env.fs.list(dir).filter((f) => f.endsWith('.network'))) {
      const entries = ini(env.fs.read(`${dir}/${file}`) ?? '');
      const names = entries
        .filter((e) => e.section === 'Match' && e.key === 'Name')
        .flatMap((e) => e.value.split(/\s+/));
      if (names.includes(link)) log += await applyAddresses(env, link, addressesOf(entries));
    }
  }
  return ok('', log);
};

/** What networkd last loaded from /etc/systemd/network (file name -> content). */
const networkdLoaded = '/var/lib/hwlab/sim/networkd-loaded.json';

const addressesOf = (entries: ReturnType<typeof ini>) =>
  entries.filter((e) => e.section === 'Network' && e.key === 'Address').map((e) => e.value);

const nmDir = '/etc/NetworkManager/system-connections';
const nmActive = '/var/lib/hwlab/sim/nm-active.json';

const nmConnections = (env: SimEnv) =>
  env.fs
    .list(nmDir)
    .filter((f) => f.endsWith('.nmconnection'))
    .map((f) => {
      const entries = ini(env.fs.read(`${nmDir}/${f}`) ?? '');
      const get = (section: string, key: string) =>
        entries.find((e) => e.section === section && e.key === key)?.value ?? '';
      return {
        file: f,
        id: get('connection', 'id'),
        uuid: get('connection', 'uuid'),
        type: get('connection', 'type'),
        ifname: get('connection', 'interface-name'),
        addresses: entries
          .filter((e) => e.section === 'ipv4' && /^address\d*$/.test(e.key))
          .map((e) => e.value),
      };
    });

export const nmcli = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  if (env.facts.networkManager !== 'NetworkManager')
    return fail(8, 'Error: NetworkManager is not running.\n');
  const [object, verb, ...rest] = argv;
  if (object !== 'connection' && object !== 'con' && object !== 'c')
    return fail(
      2,
      `Error: argument '${object ?? ''}' not understood. Try passing --help instead.\n`,
    );
  const active = new Set(JSON.parse(env.fs.read(nmActive) ?? '[]') as string[]);
  const saveActive = () => env.fs.write(nmActive, `${JSON.stringify([...active])}\n`);
  const find = (name: string | undefined) =>
    nmConnections(env).find((c) => c.id === name || c.uuid === name);
  const activate = async (c: {id: string; uuid: string; ifname: string; addresses: string[]}) => {
    if ((await env.exec(['ip', 'link', 'show', c.ifname])).code !== 0)
      return fail(
        4,
        `Error: Connection activation failed: No suitable device found for this connection (device ${c.ifname} not available because device not found).\n`,
      );
    await applyAddresses(env, c.ifname, c.addresses);
    active.add(c.uuid);
    saveActive();
    return ok(
      `Connection successfully activated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/${active.size + 1})\n`,
    );
  };
  const privileged = ['add', 'up', 'down', 'delete', 'modify'].includes(verb ?? '');
  if (privileged && env.uid !== 0)
    return fail(
      1,
      'Error: Failed to add/activate new connection: Not authorized to control networking.\n',
    );
  switch (verb) {
    case undefined:
    case 'show': {
      const rows = [
        ['NAME', 'UUID', 'TYPE', 'DEVICE'],
        ['lo', '8fa1d0f5-729e-47d6-b791-ba82a1ecff0c', 'loopback', 'lo'],
        ...nmConnections(env).map((c) => [
          c.id,
          c.uuid,
          c.type,
          active.has(c.uuid) ? c.ifname : '--',
        ]),
      ];
      if (rest[0]) {
        const c = find(rest[0]);
        if (!c) return fail(10, `Error: ${rest[0]} - no such connection profile.\n`);
        return ok(
          `connection.id:                          ${c.id}\nconnection.uuid:                        ${c.uuid}\nconnection.type:                        ${c.type}\nconnection.interface-name:              ${c.ifname}\nipv4.method:                            manual\nipv4.addresses:                         ${c.addresses.join(', ')}\n`,
        );
      }
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)) + 2);
      return ok(
        rows.map((r) => `${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('')}\n`).join(''),
      );
    }
    case 'add': {
      const props = new Map<string, string>();
      for (let i = 0; i + 1 < rest.length; i += 2) props.set(rest[i] ?? '', rest[i + 1] ?? '');
      const type = props.get('type') ?? '';
      const ifname = props.get('ifname') ?? '';
      const id = props.get('con-name') ?? `${type}-${ifname}`;
      const uuid = randomUUID();
      const addresses = (props.get('ipv4.addresses') ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      env.fs.write(
        `${nmDir}/${id}.nmconnection`,
        `[connection]\nid=${id}\nuuid=${uuid}\ntype=${type}\ninterface-name=${ifname}\n\n[${type}]\n\n[ipv4]\n${addresses.map((a, i) => `address${i + 1}=${a}\n`).join('')}method=${props.get('ipv4.method') ?? 'auto'}\n\n[ipv6]\naddr-gen-mode=default\nmethod=${props.get('ipv6.method') ?? 'auto'}\n\n[proxy]\n`,
        0o600,
      );
      const added = `Connection '${id}' (${uuid}) successfully added.\n`;
      // NetworkManager creates a software device (dummy) when it activates the new profile.
      if (type === 'dummy' && (await env.exec(['ip', 'link', 'show', ifname])).code !== 0)
        await createDummy(env, ifname);
      if ((await env.exec(['ip', 'link', 'show', ifname])).code === 0) {
        await applyAddresses(env, ifname, addresses);
        active.add(uuid);
        saveActive();
      }
      return ok(added);
    }
    case 'up': {
      const c = find(rest[0]);
      return c ? activate(c) : fail(10, `Error: unknown connection '${rest[0] ?? ''}'.\n`);
    }
    case 'down':
    case 'delete': {
      const c = find(rest[0]);
      if (!c) return fail(10, `Error: unknown connection '${rest[0] ?? ''}'.\n`);
      for (const a of c.addresses) await env.exec(['ip', 'addr', 'del', a, 'dev', c.ifname]);
      active.delete(c.uuid);
      saveActive();
      if (verb === 'delete') {
        env.fs.remove(`${nmDir}/${c.file}`);
        // A software device NetworkManager made for the profile goes with it.
        if (c.type === 'dummy' && (await env.exec(['ip', 'link', 'show', c.ifname])).code === 0)
          await env.exec(['ip', 'link', 'delete', c.ifname]);
        return ok(`Connection '${c.id}' (${c.uuid}) successfully deleted.\n`);
      }
      return ok(
        `Connection '${c.id}' successfully deactivated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/2)\n`,
      );
    }
    default:
      return fail(2, `Error: argument '${verb}' not understood. Try passing --help instead.\n`);
  }
};

type Toml = Record<string, unknown>;
const merge = (base: Toml, over: Toml): Toml => {
  const out: Toml = {...base};
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b &&
      v &&
      typeof b === 'object' &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      !Array.isArray(b)
        ? merge(b as Toml, v as Toml)
        : v;
  }
  return out;
};

/** A containerd build as its CLI shows it. */
export interface ContainerdRelease {
  /** What `containerd --version` prints. */
  readonly versionLine: string;
  /** What `containerd config default` prints (fixtures/real/). */
  readonly defaultConfig: string;
  /**
   * How `config dump` treats an older config file (cmd/containerd/command/config.go):
   * 1.x prints version 2; 2.0.0-2.0.5 print version 3 without migrating the file
   * (its version-2 keys stay as they are); 2.0.6 and later migrate it first.
   */
  readonly dump: 'version-2' | 'unmigrated' | 'migrated';
}

export const containerd21 = (defaultConfig: string): ContainerdRelease => ({
  versionLine:
    'containerd github.com/containerd/containerd/v2 v2.1.9 e6c98f0e7f4de5bf2cb1ba6dc2ff5a7c76f2b5b4\n',
  defaultConfig,
  dump: 'migrated',
});

/** containerd 2.0.5, the last whose `config dump` does not migrate (its default has 2.1's version-3 layout). */
export const containerd205 = (defaultConfig: string): ContainerdRelease => ({
  versionLine: 'containerd github.com/containerd/containerd/v2 v2.0.5 (simulated)\n',
  defaultConfig,
  dump: 'unmigrated',
});

export const containerd16 = (defaultConfig: string): ContainerdRelease => ({
  versionLine: 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n',
  defaultConfig,
  dump: 'version-2',
});

/** containerd 2.x's migration of a version-2 file: the CRI runtime settings move to their version-3 plugin. */
const migrateToV3 = (config: Toml): Toml => {
  if (config['version'] !== 2) return config;
  const plugins = {...((config['plugins'] ?? {}) as Toml)};
  const {containerd: runtimes, ...rest} = (plugins['io.containerd.grpc.v1.cri'] ?? {}) as Toml;
  if (runtimes !== undefined)
    plugins['io.containerd.cri.v1.runtime'] = merge(
      (plugins['io.containerd.cri.v1.runtime'] ?? {}) as Toml,
      {containerd: runtimes},
    );
  plugins['io.containerd.grpc.v1.cri'] = rest;
  return {...config, version: 3, plugins};
};

/** containerd's CLI: version, config default, config dump (default merged with the file). */
export const containerdCli = async (
  env: SimEnv,
  argv: readonly string[],
  release: ContainerdRelease,
): Promise<ToolResult> => {
  const {defaultConfig} = release;
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version')
    return ok(release.versionLine);
  let file = '/etc/containerd/config.toml';
  const args = [...argv];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--config' || args[i] === '-c') {
      file = args[i + 1] ?? file;
      args.splice(i, 2);
      i--;
    }
  }
  if (args[0] !== 'config')
    return fail(
      1,
      `containerd: the simulated containerd runs no daemon (asked: ${argv.join(' ')})\n`,
    );
  if (args[1] === 'default') return ok(defaultConfig);
  if (args[1] !== 'dump') return fail(1, `No help topic for '${args[1] ?? ''}'\n`);
  const text = env.fs.read(file);
  if (text === undefined) return ok(defaultConfig);
  try {
    const file = parseToml(text) as Toml;
    const base = parseToml(defaultConfig) as Toml;
    const dumped =
      release.dump === 'migrated'
        ? merge(base, migrateToV3(file))
        : {...merge(base, file), version: release.dump === 'unmigrated' ? 3 : 2};
    return ok(stringifyToml(dumped) + '\n');
  } catch (error) {
    return fail(1, `containerd: failed to load TOML from ${file}: ${(error as Error).message}\n`);
  }
};
