import {afterEach, describe, expect, test, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App} from '../../screens/app.js';
import {DiscoverScreen} from '../../screens/discover.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {artifacts, bigTailnet, now} from './fixtures.js';
import {ARROW_DOWN, ARROW_UP, ENTER, PAGE_DOWN, expectFits, lineOf, render} from './harness.js';

afterEach(() => cleanup());

const noop = () => {};

describe('Discover', () => {
  test('lists every demo device; Self is marked; ineligible devices say why', async () => {
    const screen = await render(
      <DiscoverScreen
        size={{columns: 80, rows: 24}}
        tailnet={demoTailnet(now)}
        isActive
        onLoadDemo={noop}
        onContinue={() => []}
        onQuit={noop}
      />,
    );
    const frame = await screen.waitForText('9 devices from demo · 7 can be nodes');
    expect(frame).toContain('1/5 Discover');
    expect(frame).toMatch(/Host\s+OS\s+Tailscale IPv4\s+Online\s+Tags\s+Routes/);
    expect(frame).toMatch(/› \*workstation\s+linux\s+100\.101\.7\.10\s+online/);
    expect(frame).toMatch(/nas\s+linux\s+100\.101\.7\.16\s+online\s+tag:nas\s+192\.168\.1\.0\/24/);
    expect(frame).toMatch(/pixel-8\s+android\s+100\.101\.7\.17\s+online\s+not a node: not Linux/);
    expect(frame).toMatch(/thinkpad\s+linux\s+100\.101\.7\.18\s+offline\s+not a node: offline/);
    // The detail line for the highlighted device, and the footer's keys.
    expect(frame).toContain('workstation (this machine)');
    expect(frame).toContain('Enter/→ continue');
    expectFits(screen);
  });

  test('the detail line explains the highlighted ineligible device in full', async () => {
    const screen = await render(
      <DiscoverScreen
        size={{columns: 80, rows: 24}}
        tailnet={demoTailnet(now)}
        isActive
        onLoadDemo={noop}
        onContinue={() => []}
        onQuit={noop}
      />,
    );
    await screen.press(...Array<string>(5).fill(ARROW_DOWN));
    const frame = await screen.waitForText('cannot be a node: not Linux (android)');
    expect(frame).toMatch(/› pixel-8/);
  });

  test('40 devices in 24 rows: a window that follows the cursor', async () => {
    const screen = await render(
      <DiscoverScreen
        size={{columns: 80, rows: 24}}
        tailnet={bigTailnet(40)}
        isActive
        onLoadDemo={noop}
        onContinue={() => []}
        onQuit={noop}
      />,
    );
    await screen.waitForText('40 devices from test');
    expect(screen.frame()).toContain('node-0000');
    expect(screen.frame()).not.toContain('node-0039');
    expectFits(screen);

    await screen.press(PAGE_DOWN, PAGE_DOWN, PAGE_DOWN);
    const end = await screen.waitForText('40/40');
    expect(end).toMatch(/› node-0039/);
    expect(end).not.toContain('node-0000');
    expect(end).toMatch(/node-0034\s+android\s+.*not a node: not Linux/);
    expectFits(screen);

    await screen.press(ARROW_UP);
    await screen.waitForText('39/40');
    expect(lineOf(screen, '› node-0038')).toBeGreaterThan(0);
  });

  test('10,000 devices render one window, at the same size', async () => {
    const screen = await render(
      <DiscoverScreen
        size={{columns: 80, rows: 24}}
        tailnet={bigTailnet(10_000)}
        isActive
        onLoadDemo={noop}
        onContinue={() => []}
        onQuit={noop}
      />,
    );
    await screen.waitForText('10000 devices from test');
    await screen.press(PAGE_DOWN);
    await screen.waitForText('/10000');
    expectFits(screen);
    expect(screen.lines().filter((line) => /^[ ›] node-/.test(line)).length).toBe(16);
  });

  test('a wide terminal gets a separate Note column and keeps tags for ineligible devices', async () => {
    const screen = await render(
      <DiscoverScreen
        size={{columns: 120, rows: 30}}
        tailnet={demoTailnet(now)}
        isActive
        onLoadDemo={noop}
        onContinue={() => []}
        onQuit={noop}
      />,
      {columns: 120, rows: 30},
    );
    const frame = await screen.waitForText('Note');
    expect(frame).toMatch(
      /thinkpad\s+linux\s+100\.101\.7\.18\s+offline\s+—\s+—\s+not a node: offline/,
    );
    expectFits(screen);
  });

  test('Enter continues', async () => {
    const onContinue = vi.fn();
    const screen = await render(
      <DiscoverScreen
        size={{columns: 80, rows: 24}}
        tailnet={demoTailnet(now)}
        isActive
        onLoadDemo={noop}
        onContinue={onContinue}
        onQuit={noop}
      />,
    );
    await screen.press(ENTER);
    expect(onContinue).toHaveBeenCalledOnce();
  });
});

describe('Discover without a tailnet', () => {
  test('says why and offers the demo; "d" and Enter in one chunk load it and move on', async () => {
    const loadDemo = vi.fn(() => demoTailnet(now));
    const screen = await render(
      <App
        discovery={{kind: 'unavailable', reason: 'tailscale is not installed'}}
        loadDemo={loadDemo}
        now={now}
        generateArtifacts={artifacts}
        writeArtifacts={async () => ''}
      />,
    );
    const frame = await screen.waitForText(
      'Could not read the tailnet: tailscale is not installed.',
    );
    expect(frame).toContain('Press d to try the whole wizard on a demo tailnet');
    expect(frame).toContain('d demo tailnet');
    expectFits(screen);

    // Enter does not leave Discover while there is nothing to plan.
    await screen.press(ENTER);
    expect(screen.frame()).toContain('1/5 Discover');

    // Typed before the app had the terminal: the tty hands over "d\n" in one chunk.
    await screen.burst('d\n');
    await screen.waitForText('2/5 Roles');
    expect(loadDemo).toHaveBeenCalledOnce();
  });

  test('d loads the demo; Discover then shows it', async () => {
    const loadDemo = vi.fn(() => demoTailnet(now));
    const screen = await render(
      <App
        discovery={{kind: 'unavailable', reason: 'tailscale is not logged in'}}
        loadDemo={loadDemo}
        now={now}
        generateArtifacts={artifacts}
        writeArtifacts={async () => ''}
      />,
    );
    await screen.press('d');
    await screen.waitForText('9 devices from demo');
    expect(loadDemo).toHaveBeenCalledOnce();
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
  });
});
