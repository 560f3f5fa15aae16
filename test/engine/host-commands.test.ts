// HostCommands' limit on every command (apply --command-timeout), on this
// machine's real processes: a hung command is stopped, one with a longer
// limit of its own keeps it.
import {describe, expect, it} from 'vitest';
import {HostCommands} from '../../source/engine/host-commands.js';
import {LocalHost} from '../../source/engine/host/local-host.js';

const commands = (timeoutMs: number) =>
  new HostCommands(
    new LocalHost({name: 'here', killGraceMs: 100}),
    () => {},
    new AbortController().signal,
    timeoutMs,
  );

describe('HostCommands command timeout', () => {
  it('stops a command without a limit of its own at the run-wide one, naming it', async () => {
    const started = performance.now();
    await expect(commands(300).run(['sleep', '30'])).rejects.toMatchObject({
      kind: 'timeout',
      message: '`sleep 30` on here did not finish within 0.3 s and was stopped',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("keeps a command's own longer limit (kubeadm's), and the run-wide one when it is longer", async () => {
    expect((await commands(100).run(['sleep', '0.4'], {timeoutMs: 10_000})).code).toBe(0);
    await expect(commands(300).run(['sleep', '30'], {timeoutMs: 50})).rejects.toMatchObject({
      kind: 'timeout',
    });
  });
});
