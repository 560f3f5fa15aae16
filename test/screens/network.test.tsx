import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {App} from '../../screens/app.js';
import {NetworkScreen} from '../../screens/network.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Finding} from '../../source/core/validate/finding.js';
import {artifacts, now} from './fixtures.js';
import {
  ARROW_DOWN,
  ARROW_UP,
  BACKSPACE,
  CTRL_U,
  ENTER,
  ESC,
  TAB,
  expectFits,
  lineOf,
  render,
  type Screen,
} from './harness.js';
import {networkInputs, networkProps} from './network-props.js';

afterEach(() => cleanup());

const inputs = networkInputs;
const base = networkProps;

describe('Network, as a component', () => {
  test('a finding about the VIP is shown right under the VIP field', async () => {
    const finding: Finding = {
      code: 'cidr-overlap',
      severity: 'error',
      message:
        'The VIP 10.244.0.1 lies inside pod CIDR 10.244.0.0/16; choose another VIP such as 10.200.0.1.',
      field: 'vip',
    };
    const screen = await render(
      <NetworkScreen {...base} inputs={{...inputs, vip: '10.244.0.1'}} findings={[finding]} />,
    );
    const vip = lineOf(screen, '› VIP ');
    expect(screen.lines()[vip]).toMatch(/› VIP\s+10\.244\.0\.1▌/);
    expect(screen.lines()[vip + 1]).toMatch(/^\s{18}✗ The VIP 10\.244\.0\.1 lies inside pod CIDR/);
    expect(lineOf(screen, 'Pod CIDR')).toBeGreaterThan(vip + 1);
    expect(screen.frame()).toContain(
      '✗ Fix the 1 error above, or press Enter twice to go on anyway.',
    );
    expectFits(screen);
  });

  test('each field shows its own findings; a warning does not block', async () => {
    const onContinue = vi.fn();
    const findings: Finding[] = [
      {
        code: 'a',
        severity: 'error',
        message: 'Cluster name "Bad" must be lowercase.',
        field: 'clusterName',
      },
      {code: 'b', severity: 'warning', message: 'Service CIDR is large.', field: 'serviceCidr'},
    ];
    const screen = await render(
      <NetworkScreen {...base} findings={findings} onContinue={onContinue} />,
    );
    expect(lineOf(screen, '✗ Cluster name "Bad"')).toBe(lineOf(screen, 'Cluster name ') + 1);
    expect(lineOf(screen, '! Service CIDR is large.')).toBe(lineOf(screen, 'Service CIDR ') + 1);

    const warningOnly = await render(
      <NetworkScreen {...base} findings={[findings[1]!]} onContinue={onContinue} />,
    );
    await warningOnly.press(ESC);
    await warningOnly.press(...Array<string>(5).fill(ARROW_DOWN), ENTER);
    expect(onContinue).toHaveBeenCalledOnce();
  });

  test('keys: typing edits the focused field; Tab and arrows move; Esc leaves the field, then Esc goes back', async () => {
    const onEdit = vi.fn();
    const onBack = vi.fn();
    const onQuit = vi.fn();
    const screen = await render(
      <NetworkScreen {...base} onEdit={onEdit} onBack={onBack} onQuit={onQuit} />,
    );
    expect(screen.frame()).toContain('Esc leave field');
    await screen.press('q', BACKSPACE, CTRL_U);
    expect(onEdit.mock.calls).toEqual([
      ['vip', {kind: 'insert', text: 'q'}],
      ['vip', {kind: 'backspace'}],
      ['vip', {kind: 'clear'}],
    ]);
    expect(onQuit).not.toHaveBeenCalled();

    await screen.press(TAB, '1');
    expect(onEdit).toHaveBeenLastCalledWith('podCidr', {kind: 'insert', text: '1'});
    await screen.press(ARROW_DOWN, ARROW_UP, ARROW_DOWN, ARROW_DOWN, 'x');
    expect(onEdit).toHaveBeenLastCalledWith('kubernetesVersion', {kind: 'insert', text: 'x'});
    expect(screen.frame()).toMatch(/› Kubernetes\s+1\.36▌/);

    await screen.press(ESC);
    await screen.waitFor((frame) => !frame.includes('▌'));
    expect(screen.frame()).toContain('Enter edit');
    expect(onBack).not.toHaveBeenCalled();
    await screen.press(ENTER);
    await screen.waitForText('1.36▌');
    await screen.press(ESC);
    await screen.waitFor((frame) => !frame.includes('▌'));
    await screen.press(ESC);
    expect(onBack).toHaveBeenCalledOnce();
    await screen.press('q');
    expect(onQuit).toHaveBeenCalledOnce();
  });
});

test('keys sent back to back land in the field the previous key moved to', async () => {
  const onEdit = vi.fn();
  const screen = await render(<NetworkScreen {...base} onEdit={onEdit} />);
  await screen.burst(TAB, '9', TAB, '8', ARROW_UP, ARROW_UP, '7');
  expect(onEdit.mock.calls).toEqual([
    ['podCidr', {kind: 'insert', text: '9'}],
    ['serviceCidr', {kind: 'insert', text: '8'}],
    ['vip', {kind: 'insert', text: '7'}],
  ]);
});

test('Tab and the next character in one stdin chunk (fast typing over ssh or tmux) are two keys', async () => {
  const onEdit = vi.fn();
  const screen = await render(<NetworkScreen {...base} onEdit={onEdit} />);
  await screen.burst(`${TAB}1${TAB}${TAB}2\r3`);
  expect(onEdit.mock.calls).toEqual([
    ['podCidr', {kind: 'insert', text: '1'}],
    ['kubernetesVersion', {kind: 'insert', text: '2'}],
    ['clusterName', {kind: 'insert', text: '3'}],
  ]);
});

describe('Network, in the app: validation on every keystroke', () => {
  const openNetwork = async (): Promise<Screen> => {
    const tailnet = demoTailnet(now);
    const screen = await render(
      <App
        discovery={{kind: 'tailnet', tailnet}}
        loadDemo={() => tailnet}
        now={now}
        generateArtifacts={artifacts}
        writeArtifacts={async () => ''}
      />,
    );
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    // Three control planes: opi5, rpi4-a, rpi4-b (rows 4, 5, 6).
    await screen.press(
      ARROW_DOWN,
      ARROW_DOWN,
      ARROW_DOWN,
      ARROW_DOWN,
      'c',
      ARROW_DOWN,
      'c',
      ARROW_DOWN,
      'c',
    );
    await screen.waitForText('3 control planes');
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    return screen;
  };

  test('a VIP inside the pod CIDR is flagged next to the VIP and blocks; fixing it clears the message', async () => {
    const screen = await openNetwork();
    expect(screen.frame()).toContain('Continue to Access ▸');
    await screen.press(CTRL_U);
    await screen.type('10.244.0.1');
    const frame = await screen.waitForText('lies inside pod CIDR 10.244.0.0/16');
    const vip = lineOf(screen, '› VIP');
    expect(screen.lines()[vip]).toContain('10.244.0.1▌');
    expect(screen.lines()[vip + 1]).toMatch(
      /✗ The VIP 10\.244\.0\.1 lies inside pod CIDR 10\.244\.0\.0\/16/,
    );
    expect(frame).toContain('✗ Fix the');
    expectFits(screen);

    // Blocked: Enter on Continue stays here.
    await screen.press(ESC, ...Array<string>(5).fill(ARROW_DOWN), ENTER);
    expect(screen.frame()).toContain('3/5 Network');

    await screen.press(...Array<string>(5).fill(ARROW_UP), CTRL_U);
    await screen.type('10.200.0.1');
    await screen.waitFor((current) => !current.includes('lies inside'));
    expect(screen.frame()).toContain('Continue to Access ▸');
  });

  test('a malformed CIDR quotes the text, as typed, on its own field', async () => {
    const screen = await openNetwork();
    await screen.press(TAB, BACKSPACE, BACKSPACE, BACKSPACE);
    const frame = await screen.waitForText('Pod CIDR "10.244.0.0"');
    expect(lineOf(screen, '✗ Pod CIDR "10.244.0.0"')).toBe(lineOf(screen, '› Pod CIDR') + 1);
    expect(frame).not.toMatch(/VIP\s+10\.200\.0\.1\n\s+✗/);
  });

  test('an invalid cluster name and version are flagged on their fields', async () => {
    const screen = await openNetwork();
    await screen.press(TAB, TAB, TAB, CTRL_U);
    await screen.type('one');
    await screen.waitForText('Kubernetes version "one" is not X.Y or X.Y.Z');
    await screen.press(CTRL_U);
    await screen.type('1.36');
    await screen.press(TAB, CTRL_U);
    await screen.type('Home Lab');
    await screen.waitForText('Cluster name "Home Lab"');
    expect(screen.frame()).not.toContain('Kubernetes version "');
    expectFits(screen);
  });

  /** The text between a field's line and the next field's line, wrapped lines joined. */
  const under = (screen: Screen, label: string): string => {
    const lines = screen.lines();
    const start = lines.findIndex((line) => new RegExp(`^[ ›] ${label} `).test(line));
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((line) =>
      /^[ ›] (VIP|Pod CIDR|Service CIDR|Kubernetes|Cluster name) /.test(line),
    );
    return rest
      .slice(0, end === -1 ? undefined : end)
      .join(' ')
      .replace(/\s+/g, ' ');
  };

  const cases: ReadonlyArray<{
    field: number;
    label: string;
    text: string;
    shownUnder: string;
    message: string;
  }> = [
    {field: 0, label: 'VIP', text: 'abc', shownUnder: 'VIP', message: '✗ VIP "abc"'},
    {
      field: 0,
      label: 'VIP',
      text: '8.8.8.8',
      shownUnder: 'VIP',
      message: 'is not a private (RFC 1918) address',
    },
    {
      field: 0,
      label: 'VIP',
      text: '100.101.7.11',
      shownUnder: 'VIP',
      message: "VIP 100.101.7.11 is rpi4-a's own address",
    },
    {
      field: 0,
      label: 'VIP',
      text: '192.168.1.5',
      shownUnder: 'VIP',
      message: 'lies inside the route 192.168.1.0/24 that nas already advertises',
    },
    {
      field: 1,
      label: 'Pod CIDR',
      text: '10.244.0.0/30',
      shownUnder: 'Pod CIDR',
      message: "smaller than one node's",
    },
    {
      field: 1,
      label: 'Pod CIDR',
      text: '10.96.0.0/16',
      shownUnder: 'Service CIDR',
      message: 'The pod CIDR 10.96.0.0/16 overlaps service CIDR 10.96.0.0/12',
    },
    {
      field: 2,
      label: 'Service CIDR',
      text: '10.96.0.0/30',
      shownUnder: 'Service CIDR',
      message: "too few for the cluster's own services",
    },
  ];

  test.each(cases)(
    '$label "$text": the message shows under $shownUnder',
    async ({field, text, shownUnder, message}) => {
      const screen = await openNetwork();
      await screen.press(...Array<string>(field).fill(TAB), CTRL_U);
      await screen.type(text);
      await screen.waitFor(() => under(screen, shownUnder).includes(message));
      expect(screen.frame()).toContain('✗ Fix the');
      expectFits(screen);
    },
  );
});
