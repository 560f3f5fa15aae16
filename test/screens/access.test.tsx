import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {AccessScreen, type AccessScreenProps} from '../../screens/access.js';
import {
  initialState,
  wizardReducer,
  type AccessDraft,
  type WizardAction,
  type WizardState,
} from '../../screens/app-state.js';
import type {Finding} from '../../source/core/validate/finding.js';
import {
  ARROW_DOWN,
  ARROW_RIGHT,
  ARROW_UP,
  CTRL_U,
  ENTER,
  ESC,
  expectFits,
  lineOf,
  render,
  type Screen,
} from './harness.js';

afterEach(() => cleanup());

const nodes: AccessScreenProps['nodes'] = [
  {id: 'a', name: 'rpi4-a', role: 'control-plane'},
  {id: 'b', name: 'rpi4-b', role: 'control-plane'},
  {id: 'c', name: 'opi5', role: 'control-plane'},
  {id: 'd', name: 'nuc', role: 'worker'},
];

/**
 * The Access screen wired to the real wizard reducer, re-rendered on every
 * action, so the test sees what the app would show.
 */
const renderAccess = async (findings: readonly Finding[] = [], routeApproval = true) => {
  let state: WizardState = initialState(undefined);
  const onContinue = vi.fn(() => []);
  const onBack = vi.fn();
  const mounted: {screen?: Screen} = {};
  const view = () => (
    <AccessScreen
      size={{columns: 80, rows: 24}}
      nodes={nodes}
      access={state.access}
      hostAccess={state.hostAccess}
      apiKeyFile={state.apiKeyFile}
      routeApproval={routeApproval}
      findings={findings}
      isActive
      onEdit={(host, field, edit) =>
        dispatch(
          field === 'apiKeyFile'
            ? {type: 'edit-api-key-file', edit}
            : {type: 'edit-access', host, field, edit},
        )
      }
      onCycleAuth={(host, delta) => dispatch({type: 'cycle-auth', host, delta})}
      onSetAuth={(host, auth) => dispatch({type: 'set-auth', host, auth})}
      onClearOverride={(id) => dispatch({type: 'clear-host-access', id})}
      onContinue={onContinue}
      onBack={onBack}
      onQuit={() => {}}
    />
  );
  const dispatch = (action: WizardAction) => {
    state = wizardReducer(state, action);
    mounted.screen?.rerender(view());
  };
  const screen = await render(view());
  mounted.screen = screen;
  return {screen, state: () => state, onContinue, onBack};
};

describe('Access', () => {
  test('defaults to root over ssh-agent; every node uses the cluster default', async () => {
    const {screen} = await renderAccess();
    const frame = screen.frame();
    expect(frame).toMatch(/› SSH user\s+root▌/);
    expect(frame).toMatch(/Authentication\s+● ssh-agent {2}○ key file {2}○ Tailscale SSH/);
    expect(frame).toMatch(/rpi4-a\s+control plane\s+root · ssh-agent \(default\)/);
    expect(frame).toMatch(/nuc\s+worker\s+root · ssh-agent \(default\)/);
    expectFits(screen);
  });

  test('a key file: choose the method with → and type its path', async () => {
    const {screen, state} = await renderAccess();
    await screen.press(ESC, ARROW_DOWN, ARROW_RIGHT);
    await screen.waitForText('● key file');
    await screen.press(ARROW_DOWN);
    await screen.waitFor((frame) => /› Key file\s+▌/.test(frame));
    await screen.type('~/.ssh/lab');
    await screen.waitForText('~/.ssh/lab▌');
    expect(state().access).toEqual<AccessDraft>({user: 'root', auth: 'key', keyFile: '~/.ssh/lab'});
    expect(screen.frame()).toMatch(
      /opi5\s+control plane\s+root · key file ~\/\.ssh\/lab \(default\)/,
    );
  });

  test('Enter on Authentication opens the list of methods, which alone takes ↑↓ and Enter', async () => {
    const {screen, state} = await renderAccess();
    await screen.press(ESC, ARROW_DOWN);
    await screen.waitForText('Enter list');
    await screen.press(ENTER);
    await screen.waitFor((frame) => /› ssh-agent\n\s+key file\n\s+Tailscale SSH/.test(frame));
    expect(screen.lines().at(-1)).toMatch(/↑↓ move {2}Enter choose {2}Esc keep as it was/);
    expectFits(screen);
    // ↓ moves in the list, not to the next row of the form.
    await screen.press(ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((frame) => /› Tailscale SSH/.test(frame));
    expect(screen.frame()).toMatch(/› Authentication/);
    await screen.press(ENTER);
    await screen.waitForText('● Tailscale SSH');
    expect(state().access.auth).toBe('tailscale-ssh');
    expect(screen.frame()).not.toMatch(/^\s+key file$/m); // the list is closed
    // Back on the form: ↓ moves to the route API key, then the first host.
    await screen.press(ARROW_DOWN);
    await screen.waitFor((frame) => /› Route API key/.test(frame));
    await screen.press(ARROW_DOWN);
    await screen.waitFor((frame) => /› rpi4-a/.test(frame));
  });

  test('Esc closes the list and keeps the method; per host the list sets that host alone', async () => {
    const {screen, state} = await renderAccess();
    await screen.press(ESC, ARROW_DOWN, ENTER);
    await screen.waitFor((frame) => /› ssh-agent\n/.test(frame));
    await screen.press(ARROW_DOWN, ESC);
    await screen.waitFor((frame) => !/^\s+Tailscale SSH$/m.test(frame));
    expect(state().access.auth).toBe('agent');

    await screen.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN); // the API key, rpi4-a, rpi4-b
    await screen.waitFor((frame) => /› rpi4-b/.test(frame));
    await screen.press(ENTER);
    await screen.waitForText('Override for rpi4-b');
    await screen.press(ESC, ARROW_DOWN, ENTER);
    await screen.waitFor((frame) => /› ssh-agent\n/.test(frame));
    await screen.press(ARROW_DOWN, ENTER);
    await screen.waitForText('● key file');
    expect(state().hostAccess['b']).toEqual({user: 'root', auth: 'key', keyFile: ''});
    expect(state().access.auth).toBe('agent');
  });

  test('a per-host override: Enter on a host, change its user and method, Esc; x removes it', async () => {
    const {screen, state} = await renderAccess();
    // user, auth, the route API key, then the hosts: rpi4-a, rpi4-b.
    await screen.press(ESC, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((frame) => /› rpi4-b/.test(frame));
    expect(screen.frame()).toContain('x remove override');
    await screen.press(ENTER);
    await screen.waitForText('Override for rpi4-b');
    await screen.press(CTRL_U);
    await screen.type('pi');
    await screen.press(ARROW_DOWN, ARROW_RIGHT, ARROW_RIGHT);
    await screen.waitForText('● Tailscale SSH');
    expect(screen.frame()).toContain('Remove override');
    expectFits(screen);
    await screen.press(ESC);
    await screen.waitForText('Per-host overrides');
    expect(screen.frame()).toMatch(/› rpi4-b\s+control plane\s+pi · Tailscale SSH \(override\)/);
    expect(screen.frame()).toMatch(/ rpi4-a\s+control plane\s+root · ssh-agent \(default\)/);
    expect(state().hostAccess['b']).toEqual({user: 'pi', auth: 'tailscale-ssh', keyFile: ''});

    await screen.press('x');
    await screen.waitFor((frame) =>
      /› rpi4-b\s+control plane\s+root · ssh-agent \(default\)/.test(frame),
    );
    expect(state().hostAccess).toEqual({});
  });

  test('the route API key file: one for the cluster, explained on its row, typed like a path', async () => {
    const {screen, state} = await renderAccess();
    expect(screen.frame()).toMatch(
      / Route API key\s+optional: a Headscale\/Tailscale API key file/,
    );
    await screen.press(ESC, ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((frame) => /› Route API key/.test(frame));
    expect(screen.frame()).toContain('With an API key the run approves each VIP route itself');
    // Arriving on a text row starts editing it: type straight away.
    await screen.type('~/.config/headscale.key');
    await screen.waitForText('~/.config/headscale.key▌');
    expect(state().apiKeyFile).toBe('~/.config/headscale.key');
    expect(state().access).toEqual<AccessDraft>({user: 'root', auth: 'agent', keyFile: ''});
    expectFits(screen);
    // A host's override has no such row: the control server is the cluster's.
    await screen.press(ESC, ARROW_DOWN, ENTER);
    await screen.waitForText('Override for rpi4-a');
    expect(screen.frame()).not.toContain('Route API key');
  });

  test('a LAN endpoint has no route to approve: no key row, the arrows go from Authentication to the hosts', async () => {
    const {screen} = await renderAccess([], false);
    expect(screen.frame()).not.toContain('Route API key');
    await screen.press(ESC, ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((frame) => /› rpi4-a/.test(frame));
    expectFits(screen);
  });

  test('an access finding is shown with the blocked Continue line; Esc on the list goes back', async () => {
    const finding: Finding = {
      code: 'ssh-key-missing',
      severity: 'error',
      message: 'The SSH key file for the cluster is empty; enter its path.',
      field: 'access',
    };
    const {screen, onContinue, onBack} = await renderAccess([finding]);
    expect(screen.frame()).toContain('✗ The SSH key file for the cluster is empty');
    expect(lineOf(screen, '✗ Fix the')).toBeGreaterThan(lineOf(screen, '✗ The SSH key file'));
    await screen.press(ESC, ...Array<string>(8).fill(ARROW_DOWN), ENTER);
    // Whether it may move on is the app's decision, on the latest inputs (flow.test.tsx).
    expect(onContinue).toHaveBeenCalledOnce();
    await screen.press(ARROW_UP, ESC);
    expect(onBack).toHaveBeenCalledOnce();
  });

  test('Continue at the bottom moves on when nothing blocks', async () => {
    const {screen, onContinue} = await renderAccess();
    await screen.press(ESC, ...Array<string>(8).fill(ARROW_DOWN));
    await screen.waitForText('Enter/→ continue');
    await screen.press(ENTER);
    expect(onContinue).toHaveBeenCalledOnce();
  });
});
