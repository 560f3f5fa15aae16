// The endpoint choice on the Network screen (issue 11), at 80×24: the list
// owns the keyboard while open, each endpoint is explained, the VIP is checked
// for the chosen one, and Review and the written plan name it.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {App, type AppProps} from '../../screens/app.js';
import {NetworkScreen} from '../../screens/network.js';
import {endpointKinds} from '../../source/core/plan/endpoint.js';
import type {Plan} from '../../source/core/plan/types.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import {artifacts, now} from './fixtures.js';
import {
  ARROW_DOWN,
  ARROW_LEFT,
  ARROW_RIGHT,
  ARROW_UP,
  CTRL_U,
  ENTER,
  ESC,
  PAGE_DOWN,
  TAB,
  expectFits,
  lineOf,
  render,
  type Screen,
} from './harness.js';
import {networkProps} from './network-props.js';

afterEach(() => cleanup());

const base = networkProps;

describe('the Endpoint row', () => {
  test('sits above the VIP, which keeps the focus; ↑ reaches it and ←→ cycle the endpoint', async () => {
    const onCycleEndpoint = vi.fn();
    const onEdit = vi.fn();
    const screen = await render(
      <NetworkScreen {...base} onCycleEndpoint={onCycleEndpoint} onEdit={onEdit} />,
    );
    expect(screen.lines()[lineOf(screen, 'Endpoint')]).toBe(
      '  Endpoint        ● Tailscale VIP  ○ keepalived + HAProxy  ○ kube-vip',
    );
    expect(lineOf(screen, '› VIP')).toBe(lineOf(screen, 'Endpoint') + 1);

    await screen.press(ARROW_UP);
    await screen.waitForText('←→ endpoint');
    expect(screen.lines()[lineOf(screen, 'Endpoint')]).toMatch(/^› Endpoint/);
    expect(screen.frame()).toContain('Nodes anywhere on the tailnet.');
    await screen.press(ARROW_RIGHT, ARROW_LEFT, ' ');
    expect(onCycleEndpoint.mock.calls).toEqual([[1], [-1], [1]]);
    expect(onEdit).not.toHaveBeenCalled();
    expectFits(screen);
  });

  test('Enter opens the list, which alone takes ↑↓ and Enter; the choice closes it', async () => {
    const onSetEndpoint = vi.fn();
    const onEdit = vi.fn();
    const onBack = vi.fn();
    const screen = await render(
      <NetworkScreen {...base} onSetEndpoint={onSetEndpoint} onEdit={onEdit} onBack={onBack} />,
    );
    await screen.press(ARROW_UP, ENTER);
    await screen.waitForText('Esc keep as it was');
    const frame = screen.frame();
    expect(frame).toMatch(/› Tailscale VIP\s+nodes anywhere on the tailnet/);
    expect(frame).toMatch(/keepalived \+ HAProxy\s+control planes on one LAN, balanced/);
    expect(frame).toMatch(/kube-vip\s+control planes on one LAN, one leader/);
    expectFits(screen);

    // ↓↓ move in the list, not the form: no field gets the keys.
    await screen.press(ARROW_DOWN, ARROW_DOWN);
    await screen.waitFor((current) => /› kube-vip\s+control planes/.test(current));
    // The highlighted option is explained under the form before it is chosen.
    await screen.waitFor((current) =>
      current.replace(/\s+/g, ' ').includes('A kube-vip static pod on each elects a leader'),
    );
    await screen.press(ARROW_UP, ENTER);
    expect(onSetEndpoint).toHaveBeenCalledExactlyOnceWith('keepalived-haproxy');
    await screen.waitFor((current) => !current.includes('Esc keep as it was'));
    expect(onEdit).not.toHaveBeenCalled();
    expect(onBack).not.toHaveBeenCalled();
  });

  test('Esc closes the list and keeps the endpoint; a second Esc goes back', async () => {
    const onSetEndpoint = vi.fn();
    const onBack = vi.fn();
    const screen = await render(
      <NetworkScreen {...base} onSetEndpoint={onSetEndpoint} onBack={onBack} />,
    );
    await screen.press(ARROW_UP, ENTER);
    await screen.waitForText('Esc keep as it was');
    await screen.press(ARROW_DOWN, ESC);
    await screen.waitForText('←→ endpoint');
    expect(onSetEndpoint).not.toHaveBeenCalled();
    expect(onBack).not.toHaveBeenCalled();
    await screen.press(ESC);
    expect(onBack).toHaveBeenCalledOnce();
  });

  test.each(endpointKinds)('explains %s in full at 80×24', async (endpoint) => {
    const screen = await render(<NetworkScreen {...base} endpoint={endpoint} />);
    await screen.press(ARROW_UP);
    await screen.waitForText('←→ endpoint');
    const text = screen.lines().join(' ').replace(/\s+/g, ' ');
    // Where the nodes must be, what fails over, what balances load.
    expect(text).toMatch(/(anywhere on the tailnet|on one LAN subnet)/);
    expect(text).toMatch(/(15 s|few seconds|5 s)/);
    expect(text).toMatch(/(No load balancing|balances over every healthy apiserver)/);
    expectFits(screen);
  });
});

describe('the endpoint in the app', () => {
  const tailnet = demoTailnet(now);
  const openNetwork = async (props: Partial<AppProps> = {}): Promise<Screen> => {
    const screen = await render(
      <App
        discovery={{kind: 'tailnet', tailnet}}
        loadDemo={() => tailnet}
        now={now}
        writeArtifacts={async () => 'written'}
        generateArtifacts={artifacts}
        {...props}
      />,
    );
    await screen.press(ENTER);
    await screen.waitForText('2/5 Roles');
    // Three control planes: opi5, rpi4-a, rpi4-b (rows 4, 5, 6).
    await screen.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, 'c');
    await screen.press(ARROW_DOWN, 'c', ARROW_DOWN, 'c');
    await screen.waitForText('3 control planes');
    await screen.press(ENTER);
    await screen.waitForText('3/5 Network');
    return screen;
  };

  /** From the VIP field through the rest of Network and Access, to Review. */
  const toReview = async (screen: Screen): Promise<string> => {
    await screen.press(ENTER, ENTER, ENTER, ENTER, ENTER);
    await screen.waitForText('Enter/→ continue');
    await screen.press(ENTER);
    await screen.waitForText('4/5 Access');
    await screen.press(ESC, ...Array<string>(6).fill(ARROW_DOWN));
    await screen.waitForText('Enter/→ continue');
    await screen.press(ENTER);
    return screen.waitForText('5/5 Review');
  };

  test('keepalived + HAProxy: the VIP is checked against the LAN, Review and plan.json name it', async () => {
    const writeArtifacts = vi.fn(async (_dir: string, _plan: Plan) => 'written');
    const screen = await openNetwork({writeArtifacts});
    await screen.press(ARROW_UP, ARROW_RIGHT);
    await screen.waitFor((frame) => frame.includes('● keepalived + HAProxy'));
    expect(screen.lines().join(' ').replace(/\s+/g, ' ')).toContain(
      'HAProxy on every control plane (port 8443) balances over every healthy apiserver',
    );

    // The VIP help follows the endpoint; rpi4-b's LAN address is taken.
    await screen.press(ARROW_DOWN, CTRL_U);
    await screen.waitForText("A free address in the control planes' shared LAN subnet");
    await screen.type('192.168.1.12');
    await screen.waitForText("is rpi4-b's own address");
    expect(lineOf(screen, "✗ VIP 192.168.1.12 is rpi4-b's own address")).toBe(
      lineOf(screen, '› VIP') + 1,
    );
    expectFits(screen);
    await screen.press(CTRL_U);
    await screen.type('192.168.1.250');
    await screen.waitFor((frame) => !frame.includes('own address'));
    expect(screen.frame()).not.toContain('✗');

    const frame = await toReview(screen);
    expect(frame).toContain(
      'API endpoint  192.168.1.250:8443 (the VIP, HAProxy on every control plane)',
    );
    expect(frame).toContain(
      'Endpoint      keepalived + HAProxy (keepalived/, haproxy/haproxy.cfg)',
    );
    expectFits(screen);

    // Its files among the generated ones, one Tab at a time.
    for (let page = 2; !screen.frame().includes('haproxy/haproxy.cfg · '); page++) {
      await screen.press(TAB);
      await screen.waitForText(`${page}/13 `);
    }
    await screen.press(PAGE_DOWN);
    expect(await screen.waitForText('server rpi4-a 100.101.7.11:6443 check check-ssl')).toContain(
      'bind *:8443',
    );
    expectFits(screen);

    await screen.press('w');
    await screen.waitForText('Write to ./homelab▌');
    await screen.press(ENTER);
    await screen.waitForText('written');
    const [, plan] = writeArtifacts.mock.calls[0]!;
    expect(plan.network.endpoint).toBe('keepalived-haproxy');
    expect(plan.network.vip).toBe('192.168.1.250');
  });

  test('a LAN endpoint with the Tailscale default VIP is warned about under the VIP, and fits', async () => {
    const screen = await openNetwork();
    await screen.press(ARROW_UP, ARROW_RIGHT, ARROW_DOWN);
    const frame = await screen.waitForText('! VIP 10.200.0.1 does not look like it is on the');
    expect(lineOf(screen, '! VIP 10.200.0.1')).toBe(lineOf(screen, '› VIP') + 1);
    expect(frame.replace(/\s+/g, ' ')).toContain(
      'opi5 at 192.168.1.13; rpi4-a at 192.168.1.11; rpi4-b at 192.168.1.12',
    );
    // A warning does not block.
    expect(frame).toContain('Continue to Access ▸');
    expectFits(screen);
  });

  test('kube-vip chosen from the list: Review shows the pinned version', async () => {
    const screen = await openNetwork();
    await screen.press(ARROW_UP, ENTER);
    await screen.waitForText('Esc keep as it was');
    await screen.press(ARROW_DOWN, ARROW_DOWN, ENTER);
    await screen.waitFor((frame) => frame.includes('● kube-vip'));
    await screen.press(ARROW_DOWN, CTRL_U);
    await screen.type('192.168.1.250');
    const frame = await toReview(screen);
    expect(frame).toMatch(
      /Endpoint {6}kube-vip v\d+\.\d+\.\d+, image pinned \(kube-vip\/<node>\.yaml\)/,
    );
    expect(frame).toContain(
      'API endpoint  192.168.1.250:6443 (the VIP, held by the kube-vip leader)',
    );
    expectFits(screen);
  });
});
