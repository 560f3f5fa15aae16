import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {App} from '../../screens/app.js';
import {RolesScreen, type RolesScreenProps} from '../../screens/roles.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {eligibility} from '../../source/core/tailnet/eligibility.js';
import type {Finding} from '../../source/core/validate/finding.js';
import {artifacts, now} from './fixtures.js';
import {
  ARROW_DOWN,
  ARROW_LEFT,
  ARROW_RIGHT,
  ENTER,
  ESC,
  expectFits,
  lineOf,
  render,
  type Screen,
} from './harness.js';

afterEach(() => cleanup());

const tailnet = demoTailnet(now);
const eligible = tailnet.peers.filter((peer) => eligibility(peer).eligible);
const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)?.id ?? host;

const openRoles = async () => {
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
  return screen;
};

/** Highlights the row of `host` (rows are in tailnet order: workstation, cloud-arm, nas, nuc, opi5, rpi4-a, rpi4-b). */
const goTo = async (screen: Screen, host: string) => {
  for (let step = 0; step < 10 && !new RegExp(`› \\*?${host}\\b`).test(screen.frame()); step++) {
    await screen.press(ARROW_DOWN);
  }
  expect(screen.frame()).toMatch(new RegExp(`› \\*?${host}\\b`));
};

const row = (screen: Screen, host: string) =>
  screen.lines().find((line) => new RegExp(`^[ ›] \\*?${host}\\b`).test(line)) ?? '';

describe('Roles, in the app', () => {
  test('lists only eligible devices, all out of the cluster at first, and will not continue without a control plane', async () => {
    const screen = await openRoles();
    const frame = screen.frame();
    expect(frame).toContain('No control plane yet: pick at least one.');
    expect(frame).not.toContain('pixel-8');
    expect(frame).not.toContain('thinkpad');
    expect(row(screen, 'rpi4-a')).toMatch(/100\.101\.7\.11\s+· not in cluster\s+tag:k8s/);
    expect(frame).toContain('✗ The plan has no control plane');
    expect(frame).toContain('✗ Fix the 1 error above, or press Enter twice to go on anyway.');
    expectFits(screen);
    await screen.press(ENTER);
    expect(screen.frame()).toContain('2/5 Roles');
    // A second Enter goes on anyway: Review lists the error and refuses to write.
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
  });

  test('the quorum line follows the control-plane count; the first control plane is the init node until i moves it', async () => {
    const screen = await openRoles();
    await goTo(screen, 'opi5');
    await screen.press('c');
    await screen.waitForText('1 control plane: tolerates no failure (not highly available)');
    expect(row(screen, 'opi5')).toContain('control plane ★ init');

    await screen.press(ARROW_DOWN, ARROW_RIGHT);
    await screen.waitForText(
      '2 control planes: tolerates no failure (an even count adds no tolerance over 1)',
    );
    await screen.press(ARROW_DOWN, 'c');
    await screen.waitForText('3 control planes: tolerates 1 failure');
    expect(row(screen, 'rpi4-a')).not.toContain('★');

    await screen.press('i');
    await screen.waitFor(() => row(screen, 'rpi4-b').includes('★ init'));
    expect(row(screen, 'opi5')).not.toContain('★');
    expectFits(screen);

    // ← → cycle: control plane → not in cluster → worker.
    await screen.press(ARROW_LEFT);
    await screen.waitFor(() => row(screen, 'rpi4-b').includes('· not in cluster'));
    await screen.waitForText('2 control planes');
    expect(row(screen, 'opi5')).toContain('★ init');
    await screen.press(ARROW_LEFT);
    await screen.waitFor(() => /rpi4-b.*worker/.test(row(screen, 'rpi4-b')));
  });

  test('an even count asks before continuing; y keeps it and moves on, and Roles remembers the choice', async () => {
    const screen = await openRoles();
    for (const host of ['nuc', 'opi5', 'rpi4-a', 'rpi4-b']) {
      await goTo(screen, host);
      await screen.press('c');
    }
    await screen.waitForText(
      '4 control planes: tolerates 1 failure (an even count adds no tolerance over 3)',
    );
    expect(screen.frame()).toContain('✗ 4 control planes tolerate 1 failure, the same as 3');
    expect(screen.frame()).toContain('Enter: keep the even count or change a role.');

    await screen.press(ENTER);
    await screen.waitForText('Keep 4 control planes anyway? (y/n)');
    expect(screen.frame()).toContain('y keep the even count');
    expectFits(screen);
    await screen.press('n');
    await screen.waitFor((frame) => !frame.includes('(y/n)'));
    expect(screen.frame()).toContain('2/5 Roles');

    await screen.press(ENTER);
    await screen.waitForText('(y/n)');
    await screen.press('y');
    await screen.waitForText('3/5 Network');
    await screen.press(ESC, ESC);
    const back = await screen.waitForText('2/5 Roles');
    expect(back).toContain('! You chose to keep an even number of control planes.');
    expect(back).not.toContain('✗ 4 control planes');
  });
});

test('keys sent back to back act on the row the previous key moved to', async () => {
  const screen = await openRoles();
  await screen.burst(
    ARROW_DOWN,
    'w',
    ARROW_DOWN,
    ARROW_DOWN,
    'c',
    ARROW_RIGHT,
    ARROW_DOWN,
    'c',
    'i',
  );
  await screen.waitFor(() => row(screen, 'opi5').includes('★ init'));
  expect(row(screen, 'cloud-arm')).toMatch(/worker/);
  // c then → on nuc: control plane, then the next role, worker.
  expect(row(screen, 'nuc')).toMatch(/worker/);
  expect(screen.frame()).toContain('1 control plane: tolerates no failure');
});

test('three control planes and Enter in one stdin chunk move on: Continue checks the latest roles', async () => {
  const screen = await openRoles();
  // opi5, rpi4-a, rpi4-b are rows 4 to 6; before the last c there are two (an even count, an error).
  await screen.burst(`${ARROW_DOWN.repeat(4)}c${ARROW_DOWN}c${ARROW_DOWN}c${ENTER}`);
  await screen.waitForText('3/5 Network');
});

describe('Roles that start where the user would put them', () => {
  test('s suggests three control planes with a line each saying why; the workstation stays out; any role can still change', async () => {
    const screen = await openRoles();
    expect(screen.frame()).toContain('s suggests a layout from the most suitable machines');
    await screen.press('s');
    await screen.waitForText('3 control planes: tolerates 1 failure');
    expect(row(screen, 'nuc')).toContain('control plane ★ init');
    expect(row(screen, 'opi5')).toContain('control plane');
    expect(row(screen, 'rpi4-a')).toContain('control plane');
    expect(row(screen, 'rpi4-b')).toMatch(/\sworker\s/);
    expect(row(screen, 'cloud-arm')).toMatch(/\sworker\s/);
    expect(row(screen, 'workstation')).toContain('· not in cluster');
    const frame = screen.frame();
    expect(frame).toContain('nuc: control plane (init node): tagged tag:k8s, key does not expire,');
    expect(frame).toContain('rpi4-b: worker: tagged tag:k8s');
    expect(frame).toMatch(/cloud-arm: worker: untagged, key expires in \d+ days, relayed/);
    expectFits(screen);

    // The user has the last word: rpi4-b to control plane, and the suggestion's lines go (they no longer hold).
    await goTo(screen, 'rpi4-b');
    await screen.press('c');
    await screen.waitForText('4 control planes');
    expect(screen.frame()).not.toContain('nuc: control plane (init node)');
  });

  test('5 asks for five control planes', async () => {
    const screen = await openRoles();
    await screen.press('5');
    await screen.waitForText('5 control planes: tolerates 2 failures');
    expect(row(screen, 'workstation')).toContain('· not in cluster');
    expectFits(screen);
  });

  test('role tags fill Roles on the first visit, and say so; the user can change them', async () => {
    const tagged = demoTailnet(now);
    const retag: Record<string, string[]> = {
      'rpi4-a': ['tag:k8s-control-plane'],
      'rpi4-b': ['tag:k8s-control-plane'],
      opi5: ['tag:control-plane'],
      nuc: ['tag:k8s-worker'],
    };
    const withRoleTags = {
      ...tagged,
      peers: tagged.peers.map((peer) =>
        retag[peer.hostName] ? {...peer, tags: retag[peer.hostName]!} : peer,
      ),
    };
    const screen = await render(
      <App
        discovery={{kind: 'tailnet', tailnet: withRoleTags}}
        loadDemo={() => withRoleTags}
        now={now}
        generateArtifacts={artifacts}
        writeArtifacts={async () => ''}
      />,
    );
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    expect(screen.frame()).toContain('3 control planes: tolerates 1 failure');
    expect(screen.frame()).toContain(
      'From their role tags: 3 control planes, 1 worker; change any of them.',
    );
    expect(row(screen, 'opi5')).toContain('control plane ★ init');
    expect(row(screen, 'rpi4-a')).toContain('control plane');
    expect(row(screen, 'nuc')).toMatch(/\sworker\s/);
    expect(row(screen, 'nas')).toContain('· not in cluster');
    expectFits(screen);
    await goTo(screen, 'nuc');
    await screen.press('n');
    await screen.waitFor(() => row(screen, 'nuc').includes('· not in cluster'));
    // Back to Discover and forward again: the user's choice stays, the tags do not come back.
    await screen.press(ESC);
    await screen.waitForText('1/5 Discover');
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    expect(row(screen, 'nuc')).toContain('· not in cluster');
  });
});

describe('Roles, as a component', () => {
  const base: RolesScreenProps = {
    size: {columns: 80, rows: 24},
    peers: eligible,
    controlPlanes: [],
    workers: [],
    allowEvenControlPlanes: false,
    findings: [],
    isActive: true,
    onSetRole: () => {},
    onCycleRole: () => {},
    onMakeInit: () => {},
    onSuggest: () => {},
    notes: [],
    onAllowEvenControlPlanes: () => {},
    onContinue: () => [],
    onBack: () => {},
    onQuit: () => {},
  };
  const even: Finding = {
    code: 'even-control-planes',
    severity: 'error',
    message: '2 control planes tolerate 0 failures, the same as 1; make rpi4-b a worker.',
    field: 'roles',
  };

  test('the confirmation sets allowEvenControlPlanes and continues', async () => {
    const onAllow = vi.fn();
    // The app answers Continue with what blocks it: the even count.
    const onContinue = vi.fn(() => [even]);
    const screen = await render(
      <RolesScreen
        {...base}
        controlPlanes={[id('rpi4-a'), id('rpi4-b')]}
        findings={[even]}
        onAllowEvenControlPlanes={onAllow}
        onContinue={onContinue}
      />,
    );
    expect(screen.frame()).toContain('✗ 2 control planes tolerate 0 failures');
    await screen.press(ENTER);
    await screen.waitForText('Keep 2 control planes anyway? (y/n)');
    expect(onContinue).toHaveBeenCalledOnce();
    await screen.press('y');
    expect(onAllow).toHaveBeenCalledWith(true);
    expect(onContinue).toHaveBeenCalledTimes(2);
  });

  test('another error besides the even count blocks without asking', async () => {
    const offline: Finding = {
      code: 'node-offline',
      severity: 'error',
      message: 'nuc is offline.',
      field: 'roles',
    };
    const onContinue = vi.fn(() => [even, offline]);
    const screen = await render(
      <RolesScreen
        {...base}
        controlPlanes={[id('rpi4-a'), id('nuc')]}
        findings={[even, offline]}
        onContinue={onContinue}
      />,
    );
    await screen.press(ENTER);
    expect(screen.frame()).not.toContain('(y/n)');
    expect(screen.frame()).toContain(
      '✗ Fix the 2 errors above, or press Enter twice to go on anyway.',
    );
    expect(onContinue).toHaveBeenCalledOnce();
  });

  test('warnings are shown with ! and do not block', async () => {
    const onContinue = vi.fn(() => []);
    const warning: Finding = {
      code: 'key-expiry',
      severity: 'warning',
      message: 'nuc key expires soon.',
      field: 'roles',
    };
    const screen = await render(
      <RolesScreen
        {...base}
        controlPlanes={[id('nuc')]}
        findings={[warning]}
        onContinue={onContinue}
      />,
    );
    expect(screen.frame()).toContain('! nuc key expires soon.');
    expect(lineOf(screen, 'Continue to Network')).toBeGreaterThan(lineOf(screen, '! nuc key'));
    await screen.press(ENTER);
    expect(onContinue).toHaveBeenCalledOnce();
  });
});
