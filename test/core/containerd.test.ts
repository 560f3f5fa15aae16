import {readFileSync, readdirSync} from 'node:fs';
import {parse} from 'smol-toml';
import {describe, expect, it} from 'vitest';
import {
  readSystemdCgroup,
  runcOptionsPath,
  setSystemdCgroup,
  systemdCgroupSnippet,
} from '../../source/core/containerd/systemd-cgroup.js';
import {InputError} from '../../source/core/errors.js';

const real = new URL('../../fixtures/real/', import.meta.url);
const fixtures = readdirSync(real).filter((name) => /^containerd-default-.*\.toml$/.test(name));

// containerd 1.x writes version 2, 2.0 to 2.2 version 3, 2.3 and later version 4 (anchors 3.6).
const expectedVersion = (name: string): number => {
  const [major, minor] = (/containerd-default-(\d+)\.(\d+)\./.exec(name) ?? [])
    .slice(1)
    .map(Number);
  if (major === 1) return 2;
  return (minor ?? 0) >= 3 ? 4 : 3;
};

// BigInt integers keep `1` and `1.0` apart, so a type change shows up as a difference.
const tomlOf = (text: string) => parse(text, {integersAsBigInt: true});

const withKey = (
  table: Record<string, unknown>,
  path: readonly string[],
  key: string,
  value: unknown,
) => {
  const copy = structuredClone(table);
  let cursor: Record<string, unknown> = copy;
  for (const part of path) cursor = cursor[part] as Record<string, unknown>;
  cursor[key] = value;
  return copy;
};

describe('setSystemdCgroup on every real `containerd config default`', () => {
  it('covers all the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures)('%s', (name) => {
    const input = readFileSync(new URL(name, real), 'utf8');
    const edit = setSystemdCgroup(input);
    expect(edit.configVersion).toBe(expectedVersion(name));
    const path = runcOptionsPath(edit.configVersion);
    // Only that one key differs, with every value and type kept.
    expect(tomlOf(edit.text)).toEqual(withKey(tomlOf(input), path, 'SystemdCgroup', true));
    expect(readSystemdCgroup(edit.text)).toEqual({
      configVersion: edit.configVersion,
      systemdCgroup: true,
    });
    // Already true (one fixture ships so): nothing to write.
    expect(edit.changed).toBe(readSystemdCgroup(input).systemdCgroup !== true);
    const again = setSystemdCgroup(edit.text);
    expect(again).toEqual({text: edit.text, configVersion: edit.configVersion, changed: false});
  });

  it('keeps a TOML float a float (tracing sampling_ratio = 1.0)', () => {
    const input = readFileSync(new URL('containerd-default-1.6.20-debian12.toml', real), 'utf8');
    const withFloat = `${input}\n[plugins."io.containerd.tracing.processor.v1.otlp"]\n  sampling_ratio = 1.0\n`;
    expect(setSystemdCgroup(withFloat).text).toMatch(/sampling_ratio = 1\.0\n/);
  });
});

describe('setSystemdCgroup on hand-written configs', () => {
  it('treats a config without a version as version 1, keyed by the short plugin ID', () => {
    const edit = setSystemdCgroup(
      '[plugins.cri.containerd.runtimes.runc.options]\nSystemdCgroup = false\n',
    );
    expect(edit.configVersion).toBe(1);
    expect(tomlOf(edit.text)).toEqual({
      plugins: {cri: {containerd: {runtimes: {runc: {options: {SystemdCgroup: true}}}}}},
    });
  });

  it('adds a runc runtime with its shim type when the config has none', () => {
    const edit = setSystemdCgroup('version = 3\n');
    expect(tomlOf(edit.text)).toEqual({
      version: 3n,
      plugins: {
        'io.containerd.cri.v1.runtime': {
          containerd: {
            runtimes: {
              runc: {runtime_type: 'io.containerd.runc.v2', options: {SystemdCgroup: true}},
            },
          },
        },
      },
    });
    expect(readSystemdCgroup('version = 3\n')).toEqual({
      configVersion: 3,
      systemdCgroup: undefined,
    });
  });

  it.each([
    ['version = 5\n', /version = 5/],
    ['version = "2"\n', /version = "2"/],
    ['version = 0\n', /version = 0/],
  ])('refuses an unknown version: %j', (text, message) => {
    expect(() => setSystemdCgroup(text)).toThrow(InputError);
    expect(() => setSystemdCgroup(text)).toThrow(message);
    expect(() => readSystemdCgroup(text)).toThrow(InputError);
  });

  it('refuses an empty config rather than guess its version', () => {
    expect(() => setSystemdCgroup('')).toThrow(/empty/);
    expect(() => setSystemdCgroup('# nothing but a comment\n')).toThrow(InputError);
  });

  it('refuses a config that disables the CRI plugin (Docker containerd.io)', () => {
    expect(() => setSystemdCgroup('disabled_plugins = ["cri"]\n')).toThrow(/CRI plugin/);
  });

  it('refuses a config whose path holds something other than a table', () => {
    expect(() => setSystemdCgroup('version = 2\nplugins = 1\n')).toThrow(/plugins is not a table/);
  });

  it('reports invalid TOML by position without quoting the file', () => {
    let message = '';
    try {
      setSystemdCgroup('version = 2\npassword = "hunter2\n');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/line 2/);
    expect(message).not.toContain('hunter2');
  });
});

describe('systemdCgroupSnippet', () => {
  it('is the minimal table of each config version', () => {
    expect(systemdCgroupSnippet(2)).toBe(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\nSystemdCgroup = true\n',
    );
    expect(systemdCgroupSnippet(3)).toBe(
      'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\nSystemdCgroup = true\n',
    );
    expect(setSystemdCgroup(systemdCgroupSnippet(3)).changed).toBe(false);
  });
});
