import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {
  initialState,
  planChoices,
  wizardReducer,
  type WizardAction,
} from '../../screens/app-state.js';
import {ReviewScreen, type ReviewScreenProps} from '../../screens/review.js';
import type {Artifact} from '../../source/core/artifacts/types.js';
import {buildPlan} from '../../source/core/plan/build.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Finding} from '../../source/core/validate/finding.js';
import {now} from './fixtures.js';
import {
  ARROW_DOWN,
  BACKSPACE,
  CTRL_U,
  ENTER,
  ESC,
  PAGE_DOWN,
  SHIFT_TAB,
  TAB,
  expectFits,
  render,
} from './harness.js';

afterEach(() => cleanup());

const tailnet = demoTailnet(now);
const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)?.id ?? host;
const state = [
  ...['rpi4-a', 'rpi4-b', 'opi5'].map((host): WizardAction => ({
    type: 'set-role',
    id: id(host),
    role: 'control-plane',
  })),
  ...['nuc', 'cloud-arm'].map((host): WizardAction => ({
    type: 'set-role',
    id: id(host),
    role: 'worker',
  })),
  {type: 'set-auth', host: id('nuc'), auth: 'tailscale-ssh'} as const,
].reduce(wizardReducer, initialState(tailnet));
const plan = buildPlan(tailnet, planChoices(state));

const artifacts: Artifact[] = [
  {
    path: 'kubeadm/init.yaml',
    title: 'kubeadm init config (rpi4-a)',
    content: Array.from({length: 60}, (_, index) => `line-${index + 1}: value`).join('\n'),
  },
  {
    path: 'networkd/lo1.netdev',
    title: 'lo1 dummy interface',
    content: '[NetDev]\nName=lo1\nKind=dummy\n',
  },
];

const base: ReviewScreenProps = {
  size: {columns: 80, rows: 24},
  plan,
  findings: [],
  artifacts,
  isActive: true,
  onWrite: async () => 'done',
  onBack: () => {},
  onQuit: () => {},
};

describe('Review', () => {
  test('shows the whole plan: nodes with role, IP and the init marker, VIP, CIDRs, version, access', async () => {
    const screen = await render(<ReviewScreen {...base} />);
    const frame = screen.frame();
    expect(frame).toContain('1/3 Plan and findings');
    expect(frame).toContain('✓ Nothing to fix.');
    expect(frame).toContain('Cluster homelab · Kubernetes 1.36');
    expect(frame).toContain('API endpoint  10.200.0.1:6443');
    expect(frame).toContain('Pod CIDR      10.244.0.0/16');
    expect(frame).toContain('Service CIDR  10.96.0.0/12');
    // The chart a run installs is pinned, and the plan says which (F7).
    expect(frame).toContain('CNI           Cilium 1.18.6 (Helm chart, pinned)');
    expect(frame).toContain('Nodes (5) · 3 control planes: tolerates 1 failure');
    expect(frame).toMatch(/★ rpi4-a\s+control plane\s+100\.101\.7\.11\s+init node/);
    expect(frame).toMatch(/ {4}cloud-arm\s+worker\s+100\.101\.7\.15/);
    expect(frame).toContain('✓ No errors. Press w to write the artifacts to a folder.');
    expectFits(screen);
    await screen.press(PAGE_DOWN);
    const rest = await screen.waitForText('Access: root via ssh-agent');
    expect(rest).toMatch(/nuc\s+root via Tailscale SSH/);
  });

  test('errors come first, say what to fix, and block writing', async () => {
    const findings: Finding[] = [
      {
        code: 'cidr-overlap',
        severity: 'error',
        message: 'The VIP lies inside the pod CIDR; choose 10.200.0.1.',
        field: 'vip',
      },
      {
        code: 'key-expiry',
        severity: 'warning',
        message: "cloud-arm's node key expires in 12 days.",
      },
    ];
    const onWrite = vi.fn(async () => 'never');
    const screen = await render(<ReviewScreen {...base} findings={findings} onWrite={onWrite} />);
    const frame = screen.frame();
    expect(frame).toContain('Findings: 1 error, 1 warning');
    expect(frame).toContain('✗ The VIP lies inside the pod CIDR; choose 10.200.0.1.');
    expect(frame).toContain("! cloud-arm's node key expires in 12 days.");
    expect(frame).toContain('✗ Fix the 1 error above before writing (Esc goes back).');
    await screen.press('w');
    expect(screen.frame()).not.toContain('Write to');
    expect(onWrite).not.toHaveBeenCalled();
  });

  test('Tab cycles through the generated files, Shift-Tab back; a long one scrolls', async () => {
    const screen = await render(<ReviewScreen {...base} />);
    await screen.press(TAB);
    let frame = await screen.waitForText('2/3 kubeadm/init.yaml · kubeadm init config (rpi4-a)');
    expect(frame).toContain('line-1: value');
    expect(frame).toContain('lines 1–17 of 60');
    await screen.press(ARROW_DOWN, ARROW_DOWN);
    frame = await screen.waitForText('lines 3–19 of 60');
    expect(frame).not.toContain('line-2: value');
    await screen.press(PAGE_DOWN, PAGE_DOWN, PAGE_DOWN, PAGE_DOWN);
    frame = await screen.waitForText('lines 44–60 of 60');
    expect(frame).toContain('line-60: value');
    expectFits(screen);
    await screen.press(TAB);
    frame = await screen.waitForText('3/3 networkd/lo1.netdev');
    expect(frame).toContain('Kind=dummy');
    await screen.press(TAB);
    await screen.waitForText('1/3 Plan and findings');
    await screen.press(SHIFT_TAB);
    await screen.waitForText('3/3 networkd/lo1.netdev');
  });

  test('w opens a path field prefilled with ./<cluster-name>; Enter writes and shows the message', async () => {
    const onWrite = vi.fn(async (dir: string) => `Wrote plan.json and 9 generated files to ${dir}`);
    const screen = await render(<ReviewScreen {...base} onWrite={onWrite} />);
    await screen.press('w');
    await screen.waitForText('Write to ./homelab▌');
    expect(screen.frame()).toContain('Esc cancel');
    // q is a letter in the path field, not quit.
    await screen.press(BACKSPACE, BACKSPACE, BACKSPACE, 'q', ENTER);
    await screen.waitForText('✓ Wrote plan.json and 9 generated files to ./homeq');
    expect(onWrite).toHaveBeenCalledWith('./homeq');
    expectFits(screen);
  });

  test('keys sent back to back: w, a new path and Enter write to that path', async () => {
    const onWrite = vi.fn(async (dir: string) => `ok ${dir}`);
    const screen = await render(<ReviewScreen {...base} onWrite={onWrite} />);
    await screen.burst('w', CTRL_U, '/', 't', ENTER);
    await screen.waitForText('✓ ok /t');
    expect(onWrite).toHaveBeenCalledWith('/t');
  });

  test('a rejected write shows its error message on one line', async () => {
    const onWrite = vi.fn(async () => {
      throw new Error("EACCES: permission denied, mkdir '/homelab'\n    at mkdir (node:fs)");
    });
    const screen = await render(<ReviewScreen {...base} onWrite={onWrite} />);
    await screen.press('w', ENTER);
    const frame = await screen.waitForText("✗ EACCES: permission denied, mkdir '/homelab'");
    expect(frame).not.toContain('at mkdir');
  });

  test('Esc closes the path field first, then goes back', async () => {
    const onBack = vi.fn();
    const screen = await render(<ReviewScreen {...base} onBack={onBack} />);
    await screen.press('w');
    await screen.waitForText('Write to');
    await screen.press(ESC);
    await screen.waitFor((frame) => !frame.includes('Write to'));
    expect(onBack).not.toHaveBeenCalled();
    await screen.press(ESC);
    expect(onBack).toHaveBeenCalledOnce();
  });

  test('without artifacts, the plan is still reviewable and says so', async () => {
    const screen = await render(<ReviewScreen {...base} artifacts={[]} />);
    expect(screen.frame()).toContain('1/1 Plan and findings (no artifacts generated yet)');
  });
});
