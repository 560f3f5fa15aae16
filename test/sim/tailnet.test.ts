// The tailnet model (lab coordinator and demo), without root: primary selection and failover.
import {describe, expect, it} from 'vitest';
import {
  acceptedRoutes,
  emptyState,
  reconcile,
  statusJson,
  statusText,
  type PublishedPrefs,
} from '../../source/sim/tailnet.js';

const vip = '10.200.0.1/32';
const prefs = (name: string, over: Partial<PublishedPrefs> = {}): PublishedPrefs => ({
  HostName: name,
  Seq: 1,
  WantRunning: true,
  RouteAll: true,
  AdvertiseRoutes: [],
  ...over,
});
const auto = {autoApprove: true, approved: {}};

describe('the lab coordinator model', () => {
  it('makes the oldest online advertiser primary and keeps it while it is online', () => {
    let {state} = reconcile(
      emptyState,
      {cp2: prefs('cp2', {AdvertiseRoutes: [vip]})},
      auto,
      1000,
      1000,
    );
    ({state} = reconcile(
      state,
      {cp1: prefs('cp1', {AdvertiseRoutes: [vip]}), cp2: prefs('cp2', {AdvertiseRoutes: [vip]})},
      auto,
      2000,
      1000,
    ));
    expect(state.primaries[vip]).toBe('cp2');
    expect(acceptedRoutes(state, 'cp1')).toEqual([vip]);
    expect(acceptedRoutes(state, 'cp2')).toEqual([]);
  });

  it('fails over only after the delay once the primary goes offline, and does not flap back', () => {
    const both = (cp1Online: boolean) => ({
      cp1: prefs('cp1', {AdvertiseRoutes: [vip], WantRunning: cp1Online}),
      cp2: prefs('cp2', {AdvertiseRoutes: [vip]}),
    });
    let {state} = reconcile(emptyState, {cp1: both(true).cp1}, auto, 0, 1000);
    ({state} = reconcile(state, both(true), auto, 10, 1000));
    expect(state.primaries[vip]).toBe('cp1');
    const offline = reconcile(state, both(false), auto, 100, 1000);
    expect(offline.state.primaries[vip]).toBe('cp1');
    expect(offline.wakeAt).toBe(1100);
    const later = reconcile(offline.state, both(false), auto, 1100, 1000);
    expect(later.state.primaries[vip]).toBe('cp2');
    const back = reconcile(later.state, both(true), auto, 2000, 1000);
    expect(back.state.primaries[vip]).toBe('cp2');
  });

  it('moves the route at once when the primary stops advertising it, and needs approval when asked', () => {
    let {state} = reconcile(
      emptyState,
      {cp1: prefs('cp1', {AdvertiseRoutes: [vip]}), cp2: prefs('cp2', {AdvertiseRoutes: [vip]})},
      auto,
      0,
      1000,
    );
    ({state} = reconcile(
      state,
      {cp1: prefs('cp1'), cp2: prefs('cp2', {AdvertiseRoutes: [vip]})},
      auto,
      1,
      1000,
    ));
    expect(state.primaries[vip]).toBe('cp2');
    const manual = {autoApprove: false, approved: {cp1: [vip]}};
    ({state} = reconcile(
      emptyState,
      {
        cp1: prefs('cp1', {AdvertiseRoutes: [vip], WantRunning: false}),
        cp2: prefs('cp2', {AdvertiseRoutes: [vip]}),
      },
      manual,
      0,
      0,
    ));
    expect(state.primaries).toEqual({});
  });

  it('writes status in the real shapes: PrimaryRoutes and Tags only when set, AllowedIPs with the routes', () => {
    const {state} = reconcile(
      emptyState,
      {cp1: prefs('cp1', {AdvertiseRoutes: [vip]}), w1: prefs('w1')},
      auto,
      0,
      0,
    );
    const hosts = [
      {
        name: 'cp1',
        address: '100.64.10.11',
        role: 'control-plane' as const,
        tags: ['tag:k8s-control-plane'],
      },
      {name: 'w1', address: '100.64.10.101', role: 'worker' as const, tags: []},
    ];
    const identity = {
      magicDnsSuffix: 'tail-test.ts.net',
      version: '1.98.4-test',
      name: 'test@example.com',
    };
    const status = statusJson(identity, hosts[1]!, hosts, state, 0);
    const peer = Object.values(status.Peer)[0] as Record<string, unknown>;
    expect(peer).toMatchObject({
      HostName: 'cp1',
      PrimaryRoutes: [vip],
      AllowedIPs: ['100.64.10.11/32', vip],
      Online: true,
    });
    expect(status.Self).not.toHaveProperty('PrimaryRoutes');
    expect(status.Self).not.toHaveProperty('Tags');
    expect(status.Self).toHaveProperty('KeyExpiry');
    // A direct path: CurAddr set, no relay; behind a hard NAT (relayed), the reverse, both ways.
    expect(peer).toMatchObject({CurAddr: '100.64.10.11:41641', Relay: ''});
    const relayed = new Set(['w1']);
    const fromW1 = Object.values(statusJson(identity, hosts[1]!, hosts, state, 0, relayed).Peer)[0];
    expect(fromW1).toMatchObject({CurAddr: '', Relay: 'lab'});
    expect(statusText(hosts[0]!, hosts, state, relayed)).toMatch(/w1 .* active; relay "lab"/);
    expect(statusText(hosts[0]!, hosts, state)).toMatch(
      /w1 .* active; direct 100\.64\.10\.101:41641/,
    );
  });
});
