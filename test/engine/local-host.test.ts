// The local adapter (and with it the shared exec, read and write logic) on
// this machine, in a temp directory: no lab, no root needed.
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {writeFileWith} from '../../source/engine/host/files.js';
import {HostError, type ExecOptions} from '../../source/engine/host/host.js';
import {LocalHost} from '../../source/engine/host/local-host.js';

const host = new LocalHost({name: 'here', killGraceMs: 200});
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-local-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, {recursive: true, force: true})));

describe('LocalHost', () => {
  it('runs argv without a shell and returns exit code, stdout and stderr', async () => {
    const result = await host.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toEqual({code: 3, stdout: 'out\n', stderr: 'err\n'});
    const literal = await host.exec(['printf', '%s\n', '$(reboot)', "a'b", '*']);
    expect(literal.stdout).toBe("$(reboot)\na'b\n*\n");
  });

  it('feeds stdin and streams output in pieces as it comes', async () => {
    const pieces: string[] = [];
    const result = await host.exec(
      ['sh', '-c', 'cat; for i in 1 2 3; do echo tick $i; sleep 0.05; done'],
      {stdin: 'from stdin\n', onOutput: (stream, chunk) => pieces.push(`${stream}:${chunk}`)},
    );
    expect(result.stdout).toBe('from stdin\ntick 1\ntick 2\ntick 3\n');
    expect(pieces.length).toBeGreaterThanOrEqual(3);
  });

  it('stops a command at its timeout and says which and after how long', async () => {
    const started = Date.now();
    const error = await host.exec(['sleep', '30'], {timeoutMs: 200}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({kind: 'timeout', host: 'here', command: 'sleep 30'});
    expect((error as Error).message).toBe(
      '`sleep 30` on here did not finish within 0.2 s and was stopped',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops a command when the run is aborted', async () => {
    const controller = new AbortController();
    const pending = host.exec(['sleep', '30'], {signal: controller.signal});
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({kind: 'aborted', command: 'sleep 30'});
  });

  it('reads a file, or undefined when it is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a b'), 'text\n');
    expect(await host.readFile(join(dir, 'a b'))).toBe('text\n');
    expect(await host.readFile(join(dir, 'missing'))).toBeUndefined();
    await expect(host.readFile(dir)).rejects.toMatchObject({kind: 'command'});
  });

  it('writes atomically with a kept backup, and does nothing when the content is already there', async () => {
    const dir = tempDir();
    const file = join(dir, 'sub', 'lo1.netdev');
    expect(await host.writeFile(file, 'one\n', {mode: 0o640})).toEqual({changed: true});
    expect(statSync(file).mode & 0o777).toBe(0o640);
    const inode = statSync(file).ino;
    const second = await host.writeFile(file, 'two\n', {backup: true});
    expect(second.changed).toBe(true);
    expect(second.backupPath).toMatch(/\/lo1\.netdev\.ha-wizard\.\d{8}T\d{6}\.\d{3}Z\.bak$/);
    expect(readFileSync(second.backupPath!, 'utf8')).toBe('one\n');
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(statSync(file).ino).not.toBe(inode); // renamed over, not rewritten in place
    expect(statSync(file).mode & 0o777).toBe(0o640); // the old mode is kept
    expect(await host.writeFile(file, 'two\n', {backup: true})).toEqual({changed: false});
    // Same content, different mode requested: changed.
    expect((await host.writeFile(file, 'two\n', {mode: 0o600})).changed).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sub')).filter((name) => name.startsWith('.ha-wizard'))).toEqual(
      [],
    );
  });

  it('keeps the old file when the content arrives cut short (the wizard died while sending it)', async () => {
    const dir = tempDir();
    const file = join(dir, 'config.toml');
    writeFileSync(file, 'old = true\n');
    const content = `${'# a long config\n'.repeat(200)}SystemdCgroup = true\n`;
    // The same script on the same shell, but stdin ends early, as when the sender is killed.
    const cutShort = (argv: readonly string[], options?: ExecOptions) =>
      host.exec(argv, {...options, stdin: content.slice(0, 1000)});
    const error = await writeFileWith('here', cutShort, file, content).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toBe(
      `writing ${file} on here failed: the content for ${file} arrived incomplete`,
    );
    expect(readFileSync(file, 'utf8')).toBe('old = true\n');
    expect(readdirSync(dir)).toEqual(['config.toml']);
  });
});
