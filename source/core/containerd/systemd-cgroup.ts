import {parse, stringify, TomlError} from 'smol-toml';
import {InputError} from '../errors.js';

export type ContainerdConfigVersion = 1 | 2 | 3 | 4;

type Table = Record<string, unknown>;

// Where the runc runtime's options live, by config version (DOMAIN.md phase 4,
// anchors 3.6). Version 1 keys plugins by their short ID (containerd's
// `Config.Decode` uses `p.ID` for version 1 and `p.URI()` after); version 4,
// written by containerd >= 2.3, keeps version 3's CRI layout.
const runcOptionsPaths: Record<ContainerdConfigVersion, readonly string[]> = {
  1: ['plugins', 'cri', 'containerd', 'runtimes', 'runc', 'options'],
  2: ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options'],
  3: ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc', 'options'],
  4: ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc', 'options'],
};

export const runcOptionsPath = (version: ContainerdConfigVersion): readonly string[] =>
  runcOptionsPaths[version];

// Any of these disabled means there is no CRI for the kubelet to talk to, as in
// the config Docker's containerd.io package ships (`disabled_plugins = ["cri"]`).
const criPlugins = new Set([
  'cri',
  'io.containerd.grpc.v1.cri',
  'io.containerd.cri.v1.runtime',
  'io.containerd.cri.v1.images',
]);

const regenerateHint = 'Replace it with the output of `containerd config default` (keep a backup).';

const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

// Integers as BigInt and numbers written back as floats: a TOML float such as
// `sampling_ratio = 1.0` must not come back as the integer 1, nor an integer as
// a float, or containerd's typed decoder may refuse the file.
const parseConfig = (text: string): Table => {
  try {
    return parse(text, {integersAsBigInt: true});
  } catch (error) {
    // Only the position: the message quotes the file, which may hold registry credentials.
    const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
    throw new InputError(`The containerd config is not valid TOML${where}.`, regenerateHint);
  }
};

const serialise = (config: Table): string => stringify(config, {numbersAsFloat: true});

const configVersion = (config: Table): ContainerdConfigVersion => {
  const version = config['version'];
  // No version key means version 1 (containerd-config.toml(5); "Version 1
  // (Default) ... Removed in containerd 2.0", containerd docs/cri/config.md).
  if (version === undefined) return 1;
  if (typeof version === 'bigint' && version >= 1n && version <= 4n)
    return Number(version) as ContainerdConfigVersion;
  const shown = typeof version === 'string' ? JSON.stringify(version) : String(version);
  throw new InputError(
    `The containerd config says version = ${shown}; ha-wizard knows the numbers 1 to 4.`,
    'Check `containerd --version`; a newer containerd may need a newer ha-wizard.',
  );
};

const pathText = (path: readonly string[]): string =>
  path.map((key) => (/^[\w-]+$/.test(key) ? key : JSON.stringify(key))).join('.');

/** The table at `path`; created on the way when `create`, else undefined when missing. */
const tableAt = (config: Table, path: readonly string[], create: boolean): Table | undefined => {
  let table = config;
  for (const [index, key] of path.entries()) {
    const next = table[key];
    if (next === undefined) {
      if (!create) return undefined;
      const fresh: Table = {};
      table[key] = fresh;
      table = fresh;
    } else if (isTable(next)) {
      table = next;
    } else {
      throw new InputError(
        `In the containerd config, ${pathText(path.slice(0, index + 1))} is not a table.`,
        regenerateHint,
      );
    }
  }
  return table;
};

const refuseDisabledCri = (config: Table): void => {
  const disabled = config['disabled_plugins'];
  const hit = Array.isArray(disabled)
    ? disabled.find((id) => typeof id === 'string' && criPlugins.has(id))
    : undefined;
  if (hit !== undefined) {
    throw new InputError(
      `The containerd config disables the CRI plugin (${JSON.stringify(hit)}), which the kubelet needs.`,
      regenerateHint,
    );
  }
};

export interface SystemdCgroupEdit {
  /** The config to write: the input itself when nothing changed. */
  readonly text: string;
  readonly configVersion: ContainerdConfigVersion;
  readonly changed: boolean;
}

/**
 * Sets `SystemdCgroup = true` for runc at the path of the config's own version,
 * so containerd and the kubelet's `systemd` cgroup driver agree (DOMAIN.md
 * phase 4). Everything else in the file keeps its value; comments and layout
 * do not survive re-serialisation, which is why the run backs the file up.
 */
export const setSystemdCgroup = (configText: string): SystemdCgroupEdit => {
  const config = parseConfig(configText);
  // An empty file would read as version 1, which containerd 2.x no longer
  // loads: a real config from `containerd config default` is the way out.
  if (Object.keys(config).length === 0) {
    throw new InputError('The containerd config is empty.', regenerateHint);
  }
  const version = configVersion(config);
  refuseDisabledCri(config);
  const optionsPath = runcOptionsPaths[version];
  if (tableAt(config, optionsPath, false)?.['SystemdCgroup'] === true) {
    return {text: configText, configVersion: version, changed: false};
  }
  const runcPath = optionsPath.slice(0, -1);
  const runcExisted = tableAt(config, runcPath, false) !== undefined;
  const runc = tableAt(config, runcPath, true) ?? {};
  // A runc table we create names its shim like containerd's default does:
  // containerd may decode it as a new runtime entry rather than as a patch over
  // its built-in one, and an entry without runtime_type is no runc at all.
  if (!runcExisted) runc['runtime_type'] = 'io.containerd.runc.v2';
  const options = tableAt(config, optionsPath, true) ?? {};
  options['SystemdCgroup'] = true;
  return {text: serialise(config), configVersion: version, changed: true};
};

export interface SystemdCgroupReading {
  readonly configVersion: ContainerdConfigVersion;
  /** Undefined when the key is absent: runc then uses cgroupfs. */
  readonly systemdCgroup: boolean | undefined;
}

/** For diagnostics: what the config says about runc's cgroup driver. */
export const readSystemdCgroup = (configText: string): SystemdCgroupReading => {
  const config = parseConfig(configText);
  const version = configVersion(config);
  const value = tableAt(config, runcOptionsPaths[version], false)?.['SystemdCgroup'];
  return {configVersion: version, systemdCgroup: typeof value === 'boolean' ? value : undefined};
};

/**
 * What the running daemon uses, from `containerd config dump`. containerd
 * 2.0.6 and later (and 1.x, which always prints version 2) dump a migrated
 * config, so the setting is at the dump's own version's path. 2.0.0 to 2.0.5
 * dump a version-2 file unmigrated: `version = 3`, the version-3 table holding
 * the defaults, and the file's setting still under the version-2 key, while
 * the daemon itself migrates that key at start (cmd/containerd/command/
 * config.go, fixed in 626a57dd7). So a version-2 key in a newer dump is what
 * the daemon runs with.
 */
export const effectiveSystemdCgroup = (dumpText: string): SystemdCgroupReading => {
  const config = parseConfig(dumpText);
  const version = configVersion(config);
  if (version >= 3) {
    const legacy = tableAt(config, runcOptionsPaths[2], false)?.['SystemdCgroup'];
    if (typeof legacy === 'boolean') return {configVersion: 2, systemdCgroup: legacy};
  }
  return readSystemdCgroup(dumpText);
};

/** The smallest config of `version` that carries the setting: what the edit adds. */
export const systemdCgroupSnippet = (version: 2 | 3): string => {
  const options: Table = {SystemdCgroup: true};
  const nested = runcOptionsPaths[version].reduceRight<Table>(
    (inner, key) => ({[key]: inner}),
    options,
  );
  return serialise({version: BigInt(version), ...nested});
};
