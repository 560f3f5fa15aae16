// The whole wizard on the demo tailnet, as a user drives it at 80×24:
// discover → roles → network → access → review, with Esc back and forth.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {App, type AppProps} from '../../screens/app.js';
import type {Plan} from '../../source/core/plan/types.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {artifacts, now} from './fixtures.js';
import {
  ARROW_DOWN,
  ARROW_UP,
  CTRL_C,
  CTRL_U,
  ENTER,
  ESC,
  TAB,
  ARROW_RIGHT,
  PAGE_DOWN,
  expectFits,
  render,
  type Screen,
} from './harness.js';

afterEach(() => cleanup());

const tailnet = demoTailnet(now);

const renderApp = (props: Partial<AppProps> = {}, size?: {columns: number; rows: number}) =>
  render(
    <App
      discovery={{kind: 'tailnet', tailnet}}
      loadDemo={() => tailnet}
      now={now}
      generateArtifacts={artifacts}
      writeArtifacts={async () => 'written'}
      {...props}
    />,
    size,
  );

const rowOf = (screen: Screen, host: string) =>
  screen.lines().find((line) => new RegExp(`^[ ›] \\*?${host}\\b`).test(line)) ?? '';

/** Roles rows: workstation, cloud-arm, nas, nuc, opi5, rpi4-a, rpi4-b. */
const pickRoles = async (screen: Screen) => {
  await screen.press(ARROW_DOWN, 'w'); // cloud-arm
  await screen.press(ARROW_DOWN, ARROW_DOWN, 'w'); // nuc
  await screen.press(ARROW_DOWN, 'c'); // opi5, the first control plane
  await screen.waitForText('1 control plane: tolerates no failure');
  await screen.press(ARROW_DOWN, 'c'); // rpi4-a
  await screen.waitForText('2 control planes: tolerates no failure');
  await screen.press(ARROW_DOWN, 'c'); // rpi4-b
  await screen.waitForText('3 control planes: tolerates 1 failure');
};

describe('the wizard, end to end on the demo tailnet', () => {
  test('discover → roles → network → access → review, writing the artifacts', async () => {
    const writeArtifacts = vi.fn(
      async (dir: string, plan: Plan) => `Wrote ${plan.nodes.length} nodes' files to ${dir}`,
    );
    const screen = await renderApp({writeArtifacts});

    await screen.waitForText('1/5 Discover');
    expectFits(screen);
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    expectFits(screen);

    await pickRoles(screen);
    expect(rowOf(screen, 'opi5')).toContain('★ init');
    // Make rpi4-a the init node.
    await screen.press(ARROW_UP); // back to rpi4-a
    await screen.press('i');
    await screen.waitFor(() => rowOf(screen, 'rpi4-a').includes('★ init'));
    expect(rowOf(screen, 'opi5')).not.toContain('★');
    expect(rowOf(screen, 'nuc')).toMatch(/worker/);
    expect(rowOf(screen, 'nas')).toContain('· not in cluster');
    expectFits(screen);

    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    expect(screen.frame()).toMatch(/› VIP\s+10\.200\.0\.1▌/);
    expect(screen.frame()).toMatch(/Pod CIDR\s+10\.244\.0\.0\/16/);
    expect(screen.frame()).toMatch(/Service CIDR\s+10\.96\.0\.0\/12/);
    expect(screen.frame()).toMatch(/Kubernetes\s+1\.36/);
    expect(screen.frame()).toMatch(/Cluster name\s+homelab/);
    await screen.press(CTRL_U);
    await screen.type('10.200.0.9');
    await screen.waitForText('10.200.0.9▌');
    expectFits(screen);

    // Esc leaves the field, Esc again goes back: the roles are as they were.
    await screen.press(ESC, ESC);
    await screen.waitForText('2/5 Roles');
    expect(rowOf(screen, 'rpi4-a')).toContain('★ init');
    // The highlight is where it was left.
    expect(rowOf(screen, 'rpi4-a')).toMatch(/^›/);
    expect(screen.frame()).toContain('3 control planes: tolerates 1 failure');
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    expect(screen.frame()).toContain('10.200.0.9');

    // Enter through the fields to Continue.
    await screen.press(ENTER, ENTER, ENTER, ENTER, ENTER);
    await screen.waitForText('Enter/→ continue');
    await screen.press(ENTER);
    await screen.waitForText('4/5 Access');
    expectFits(screen);

    // A key file for the cluster.
    await screen.press(ESC, ARROW_DOWN, ARROW_RIGHT, ARROW_DOWN);
    await screen.waitForText('● key file');
    await screen.type('~/.ssh/lab');
    await screen.press(ESC, ...Array<string>(7).fill(ARROW_DOWN));
    await screen.waitForText('Enter/→ continue');
    await screen.press(ENTER);
    await screen.waitForText('5/5 Review');
    expectFits(screen);

    let frame = screen.frame();
    expect(frame).toContain('API endpoint  10.200.0.9:6443');
    expect(frame).toMatch(/★ rpi4-a\s+control plane\s+100\.101\.7\.11\s+init node/);
    expect(frame).toMatch(/opi5\s+control plane\s+100\.101\.7\.13/);
    expect(frame).toContain("! cloud-arm's node key expires in 12 days");
    expect(frame).toContain('✓ No errors. Press w to write the artifacts to a folder.');

    // The generated files, one Tab at a time.
    await screen.press(TAB);
    frame = await screen.waitForText('kubeadm/init.yaml');
    expect(frame).toContain('advertiseAddress: 100.101.7.11');
    await screen.press(PAGE_DOWN);
    await screen.waitForText('controlPlaneEndpoint: 10.200.0.9:6443');
    expectFits(screen);

    await screen.press('w');
    await screen.waitForText('Write to ./homelab▌');
    await screen.press(ENTER);
    await screen.waitForText("✓ Wrote 5 nodes' files to ./homelab");
    expect(writeArtifacts).toHaveBeenCalledOnce();
    const [dir, plan] = writeArtifacts.mock.calls[0]!;
    expect(dir).toBe('./homelab');
    expect(plan.network.vip).toBe('10.200.0.9');
    expect(plan.nodes.map((node) => `${node.name}:${node.role}`)).toEqual([
      'rpi4-a:control-plane',
      'opi5:control-plane',
      'rpi4-b:control-plane',
      'cloud-arm:worker',
      'nuc:worker',
    ]);
    expect(plan.access).toEqual({user: 'root', auth: {kind: 'key', keyFile: '~/.ssh/lab'}});

    // Back to Access: the key file is still there.
    await screen.press(ESC);
    await screen.waitForText('4/5 Access');
    expect(screen.frame()).toContain('~/.ssh/lab');
  });

  test('a failed write shows the error in one line and the user can try again', async () => {
    const writeArtifacts = vi
      .fn<AppProps['writeArtifacts']>()
      .mockRejectedValueOnce(new Error('EEXIST: ./homelab exists and is not empty'))
      .mockResolvedValueOnce('Wrote 12 files to ./homelab-2');
    const screen = await renderApp({writeArtifacts});
    await screen.press(ENTER);
    await pickRoles(screen);
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    await screen.press(ESC, ...Array<string>(5).fill(ARROW_DOWN), ENTER);
    await screen.waitForText('4/5 Access');
    await screen.press(ESC, ...Array<string>(9).fill(ARROW_DOWN), ENTER);
    await screen.waitForText('5/5 Review');
    await screen.press('w', ENTER);
    await screen.waitForText('✗ EEXIST: ./homelab exists and is not empty');
    await screen.press('w');
    await screen.type('-2');
    await screen.press(ENTER);
    await screen.waitForText('✓ Wrote 12 files to ./homelab-2');
    expect(writeArtifacts).toHaveBeenLastCalledWith('./homelab-2', expect.anything());
  });

  test('command-line values prefill the inputs', async () => {
    const screen = await renderApp({
      initial: {vip: '10.201.0.1', clusterName: 'lab', sshUser: 'pi'},
    });
    await screen.press(ENTER);
    await pickRoles(screen);
    await screen.press(ENTER);
    const frame = await screen.waitForText('3/5 Network');
    expect(frame).toMatch(/VIP\s+10\.201\.0\.1/);
    expect(frame).toMatch(/Cluster name\s+lab/);
  });
});

describe('access validation, end to end', () => {
  test('a key file without a path is an error on Access and blocks Continue until filled in', async () => {
    const screen = await renderApp();
    await screen.press(ENTER);
    await pickRoles(screen);
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    await screen.press(ESC, ...Array<string>(5).fill(ARROW_DOWN), ENTER);
    await screen.waitForText('4/5 Access');
    await screen.press(ESC, ARROW_DOWN, ARROW_RIGHT);
    const frame = await screen.waitForText('✗ The SSH key file for the cluster is empty');
    expect(frame).toContain('✗ Fix the 1 error above, or press Enter twice to go on anyway.');
    expectFits(screen);
    // Enter on Continue stays here.
    await screen.press(...Array<string>(8).fill(ARROW_DOWN), ENTER);
    expect(screen.frame()).toContain('4/5 Access');
    await screen.press(...Array<string>(9).fill(ARROW_UP), ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((current) => /› Key file/.test(current));
    await screen.type('~/.ssh/id_ed25519');
    await screen.waitFor((current) => !current.includes('key file for the cluster is empty'));
    expect(screen.frame()).toContain('Continue to Review ▸');
  });
});

describe('quitting', () => {
  test('q quits from a screen without a focused text field', async () => {
    const onQuit = vi.fn();
    const screen = await renderApp({onQuit});
    await screen.press('q');
    expect(onQuit).toHaveBeenCalledOnce();
  });

  test('in a text field q is a letter; Ctrl-C still quits', async () => {
    const onQuit = vi.fn();
    const screen = await renderApp({onQuit});
    await screen.press(ENTER);
    await pickRoles(screen);
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    await screen.press('q');
    await screen.waitForText('10.200.0.1q▌');
    expect(onQuit).not.toHaveBeenCalled();
    await screen.press(CTRL_C);
    expect(onQuit).toHaveBeenCalledOnce();
  });

  test('every screen lists its keys in the footer, with a way out', async () => {
    const screen = await renderApp();
    const footer = () => screen.lines().at(-1) ?? '';
    expect(footer()).toContain('q quit');
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    expect(footer()).toMatch(/i init node.*Esc back.*q quit/);
    await pickRoles(screen);
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    expect(footer()).toContain('Esc leave field');
    expect(footer()).toContain('Ctrl-C quit');
  });
});

describe('terminal size', () => {
  test('a larger terminal gets more rows and columns', async () => {
    const screen = await renderApp({}, {columns: 120, rows: 40});
    const frame = await screen.waitForText('Note');
    expect(screen.lines()).toHaveLength(40);
    expect(frame).toMatch(
      /pixel-8\s+android\s+100\.101\.7\.17\s+online\s+—\s+—\s+not a node: not Linux/,
    );
    expect(screen.lines()[1]).toHaveLength(120);
    expectFits(screen);
  });

  test('at the minimum size, 60×16, every screen still fits', async () => {
    const screen = await renderApp({}, {columns: 60, rows: 16});
    await screen.waitForText('1/5 Discover');
    expectFits(screen);
    await screen.press(ENTER);
    await pickRoles(screen);
    expectFits(screen);
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    expectFits(screen);
    await screen.press(ESC, ...Array<string>(5).fill(ARROW_DOWN), ENTER);
    await screen.waitForText('4/5 Access');
    expectFits(screen);
    await screen.press(ESC, ...Array<string>(8).fill(ARROW_DOWN), ENTER);
    await screen.waitForText('5/5 Review');
    expectFits(screen);
    await screen.press(TAB);
    await screen.waitForText('2/');
    expectFits(screen);
  });

  test('a terminal too small for the tables says so instead of drawing garbage', async () => {
    const onQuit = vi.fn();
    const screen = await renderApp({onQuit}, {columns: 50, rows: 12});
    await screen.waitFor((frame) =>
      frame.replace(/\s+/g, ' ').includes('the wizard needs at least 60×16'),
    );
    expectFits(screen);
    await screen.press('q');
    expect(onQuit).toHaveBeenCalledOnce();
  });
});
