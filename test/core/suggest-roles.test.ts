// Roles from tags, and the suggested layout: which machines, in which role, and the line saying why.
import {describe, expect, test} from 'vitest';
import {roleFromTags, rolesFromTags} from '../../source/core/plan/role-tags.js';
import {controlPlaneCount, suggestRoles} from '../../source/core/plan/suggest-roles.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Peer} from '../../source/core/tailnet/types.js';
import {now, peer} from '../screens/fixtures.js';

const names = (peers: readonly Peer[], ids: readonly string[]) =>
  ids.map((id) => peers.find((candidate) => candidate.id === id)?.hostName);

describe('roles from tags', () => {
  test('the accepted names, with or without k8s-, in any case; control plane wins over worker', () => {
    expect(roleFromTags(['tag:k8s-control-plane'])).toBe('control-plane');
    expect(roleFromTags(['tag:Control-Plane'])).toBe('control-plane');
    expect(roleFromTags(['tag:k8s-worker'])).toBe('worker');
    expect(roleFromTags(['tag:worker', 'tag:k8s-cp'])).toBe('control-plane');
    expect(roleFromTags(['tag:k8s', 'tag:nas', 'tag:server'])).toBeUndefined();
  });

  test('eligible tagged machines get their roles; an offline one does not; no role tag, no roles', () => {
    const peers = [
      peer(0, {tags: []}),
      peer(1, {tags: ['tag:k8s-control-plane']}),
      peer(2, {tags: ['tag:control-plane']}),
      peer(3, {tags: ['tag:k8s-worker']}),
      peer(4, {tags: ['tag:k8s-control-plane'], online: false}),
      peer(5, {tags: ['tag:nas']}),
    ];
    expect(rolesFromTags(peers)).toEqual({
      controlPlanes: ['n1', 'n2'],
      workers: ['n3'],
      tags: ['tag:k8s-control-plane', 'tag:control-plane', 'tag:k8s-worker'],
    });
    expect(rolesFromTags(demoTailnet(now).peers)).toBeUndefined();
  });
});

describe('a suggested layout', () => {
  test('odd counts: 3 when there are 3 machines or more, 1 below, 5 only when asked and possible', () => {
    expect([0, 1, 2, 3, 4, 7].map((count) => controlPlaneCount(count))).toEqual([0, 1, 1, 3, 3, 3]);
    expect([4, 5, 9].map((count) => controlPlaneCount(count, true))).toEqual([3, 5, 5]);
  });

  test('on the demo tailnet: the k8s-tagged machines on a direct path lead, the workstation stays out, a line each', () => {
    const tailnet = demoTailnet(now);
    const suggestion = suggestRoles(tailnet.peers, {now});
    expect(names(tailnet.peers, suggestion.controlPlanes)).toEqual(['nuc', 'opi5', 'rpi4-a']);
    expect(names(tailnet.peers, suggestion.workers)).toEqual(['rpi4-b', 'nas', 'cloud-arm']);
    expect(suggestion.reasons).toEqual([
      'nuc: control plane (init node): tagged tag:k8s, key does not expire, direct path',
      'opi5: control plane: tagged tag:k8s, key does not expire, direct path',
      'rpi4-a: control plane: tagged tag:k8s, key does not expire, direct path',
      'rpi4-b: worker: tagged tag:k8s, key does not expire, direct path',
      'nas: worker: tagged tag:nas, key does not expire, direct path',
      'cloud-arm: worker: untagged, key expires in 12 days, relayed (DERP fra); tag it or disable its key expiry',
    ]);
  });

  test('a key about to expire or a relayed path ranks below; untagged machines still count', () => {
    const soon = new Date(now.getTime() + 5 * 86_400_000).toISOString();
    const peers = [
      peer(0),
      peer(1, {keyExpiry: soon}),
      peer(2, {direct: false, relay: 'nue'}),
      peer(3, {tags: []}),
      peer(4),
    ];
    const suggestion = suggestRoles(peers, {now});
    expect(suggestion.controlPlanes).toEqual(['n4', 'n2', 'n3']);
    expect(suggestion.workers).toEqual(['n1']);
  });

  test('five when asked; with two machines one control plane; a workstation the user chose keeps its role', () => {
    const many = Array.from({length: 7}, (_, index) => peer(index));
    expect(suggestRoles(many, {now, wantFive: true}).controlPlanes).toHaveLength(5);
    const two = [peer(0), peer(1), peer(2)];
    const suggestion = suggestRoles(two, {now});
    expect(suggestion.controlPlanes).toEqual(['n1']);
    expect(suggestion.workers).toEqual(['n2']);
    const withSelf = suggestRoles(two, {now, selfRole: 'control-plane'});
    // Self counts: 3 machines, so 3 control planes, the init node not the workstation.
    expect(withSelf.controlPlanes).toEqual(['n1', 'n2', 'n0']);
    expect(withSelf.reasons.at(-1)).toBe('node-0000 (this machine): control plane, as you chose');
  });

  test('nothing eligible: nothing suggested', () => {
    expect(suggestRoles([peer(0, {os: 'android'})], {now})).toMatchObject({
      controlPlanes: [],
      workers: [],
    });
  });
});
