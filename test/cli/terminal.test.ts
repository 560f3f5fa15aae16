// The wizard in a real pseudo-terminal, as a person starts it: the alternate
// screen on the way in, the terminal restored on every way out.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {closeTerminals, openTerminal, type Terminal} from '../support/pty.js';

const ENTER = '\r';
const ESC = '\u001b';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';
const enterAlternate = '\u001b[?1049h';
const leaveAlternate = '\u001b[?1049l';
// eslint-disable-next-line no-control-regex -- SGR sequences are what NO_COLOR must suppress
const sgr = /\u001b\[[0-9;]*m/;

/** The terminal is as it was: the alternate screen was left after the last frame, and the cursor shows. */
const expectRestored = (terminal: Terminal) => {
  const output = terminal.output();
  expect(output.indexOf(enterAlternate)).toBeGreaterThanOrEqual(0);
  const left = output.lastIndexOf(leaveAlternate);
  expect(left).toBeGreaterThan(output.lastIndexOf('ha-wizard'));
  expect(output.slice(left)).toContain('\u001b[?25h');
};

/**
 * Sends keys and waits until the screen draws `text` after them, as a person waits to
 * see a key take effect: a new screen subscribes to the keyboard only after its first
 * frame, and a lone Esc must not run into the next key.
 */
const step = async (
  terminal: Terminal,
  keys: string | readonly string[],
  text: string | RegExp,
) => {
  const since = terminal.mark();
  for (const key of typeof keys === 'string' ? [keys] : keys) terminal.press(key);
  await terminal.waitFor(text, undefined, since);
};

/** Discover → Review on the demo tailnet: 3 control planes (opi5 first), then Continue twice. */
const walkToReview = async (terminal: Terminal) => {
  await terminal.waitFor('1/5 Discover');
  await step(terminal, ENTER, '2/5 Roles');
  // Rows: workstation, cloud-arm, nas, nuc, opi5, rpi4-a, rpi4-b.
  await step(terminal, DOWN, '› cloud-arm');
  await step(terminal, [DOWN, DOWN, DOWN], '› opi5');
  await step(terminal, 'c', '1 control plane: tolerates no failure');
  await step(terminal, [DOWN, 'c'], '2 control planes: tolerates no failure');
  await step(terminal, [DOWN, 'c'], '3 control planes: tolerates 1 failure');
  await step(terminal, ENTER, '3/5 Network');
  await step(terminal, ESC, /Esc back/);
  await step(terminal, Array<string>(5).fill(DOWN), '› Continue to Access');
  await step(terminal, ENTER, '4/5 Access');
  await step(terminal, ESC, /Esc back/);
  await step(terminal, Array<string>(8).fill(DOWN), '› Continue to Review');
  await step(terminal, ENTER, '5/5 Review');
};

afterEach(closeTerminals);

describe('the wizard in a real terminal', () => {
  it('opens on the alternate screen and q gives the terminal back', async () => {
    const terminal = openTerminal(['--demo']);
    await terminal.waitFor('1/5 Discover');
    expect(terminal.output().startsWith(enterAlternate)).toBe(true);
    terminal.press('q');
    expect(await terminal.exit).toBe(0);
    expectRestored(terminal);
  });

  it('Ctrl-C quits cleanly from any screen', async () => {
    const terminal = openTerminal(['--demo']);
    await terminal.waitFor('1/5 Discover');
    await step(terminal, ENTER, '2/5 Roles');
    terminal.press(CTRL_C);
    expect(await terminal.exit).toBe(0);
    expectRestored(terminal);
  });

  it('restores the terminal when killed with SIGTERM', async () => {
    const terminal = openTerminal(['--demo']);
    await terminal.waitFor('1/5 Discover');
    terminal.signal('SIGTERM');
    await terminal.exit;
    expectRestored(terminal);
  });

  it('honours NO_COLOR, and uses colour otherwise', async () => {
    const plain = openTerminal(['--demo'], {env: {NO_COLOR: '1'}});
    await plain.waitFor('1/5 Discover');
    plain.press('q');
    await plain.exit;
    expect(plain.output()).not.toMatch(sgr);
    const coloured = openTerminal(['--demo'], {env: {FORCE_COLOR: '1'}});
    await coloured.waitFor('1/5 Discover');
    coloured.press('q');
    await coloured.exit;
    expect(coloured.output()).toMatch(sgr);
  });

  it('offers the demo tailnet where there is no tailscale, as the README promises', async () => {
    const terminal = openTerminal([], {env: {PATH: '/nonexistent'}});
    await terminal.waitFor('Press d to try the whole wizard on a demo tailnet');
    expect(terminal.text()).toContain(
      'Could not read the tailnet: tailscale is not installed here',
    );
    expect(terminal.text()).not.toContain('..');
    await step(terminal, 'd', '9 devices from demo');
    terminal.press('q');
    expect(await terminal.exit).toBe(0);
    expectRestored(terminal);
  });
  it('walks the demo tailnet from Discover to Review with the keyboard', async () => {
    const terminal = openTerminal(['--demo'], {columns: 80, rows: 24});
    await walkToReview(terminal);
    await terminal.waitFor('✓ No errors. Press w to write the artifacts to a folder.');
    terminal.press('q');
    expect(await terminal.exit).toBe(0);
    expectRestored(terminal);
  });

  it('runs the demo from Review to the summary in memory, writing nothing to HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hw-pty-home-'));
    try {
      const terminal = openTerminal(['--demo'], {
        columns: 80,
        rows: 24,
        env: {HOME: home, HA_WIZARD_DEMO_PACE: '0'},
      });
      await walkToReview(terminal);
      await terminal.waitFor('r runs a demo.');
      await step(terminal, 'r', 'demo: simulated run on made-up hosts');
      await terminal.waitFor('Cluster homelab is up: 3 control planes, 0 workers.', 20_000);
      terminal.press('q');
      expect(await terminal.exit).toBe(0);
      expectRestored(terminal);
      expect(terminal.text()).toContain(
        'The demo run built the simulated cluster homelab: made-up hosts in memory; nothing was contacted or written.',
      );
      expect(readdirSync(home, {recursive: true})).toEqual([]);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  }, 40_000);
});
