import {describe, expect, test} from 'vitest';
import {
  initialState,
  planChoices,
  roleOf,
  stepBlockers,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from '../../screens/app-state.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Finding} from '../../source/core/validate/finding.js';
import {now} from './fixtures.js';

const tailnet = demoTailnet(now);
const run = (state: WizardState, ...actions: WizardAction[]) =>
  actions.reduce(wizardReducer, state);
const start = () => initialState(tailnet);
const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)?.id ?? host;

describe('wizardReducer: steps', () => {
  test('next and back walk the five steps and stop at both ends', () => {
    const steps = [start()];
    for (let index = 0; index < 5; index++)
      steps.push(wizardReducer(steps.at(-1)!, {type: 'next'}));
    expect(steps.map((state) => state.step)).toEqual([
      'discover',
      'roles',
      'network',
      'access',
      'review',
      'review',
    ]);
    expect(run(start(), {type: 'back'}).step).toBe('discover');
    expect(run(start(), {type: 'next'}, {type: 'next'}, {type: 'back'}).step).toBe('roles');
  });

  test('without a tailnet there is nothing to plan, so next stays on Discover until one is loaded', () => {
    const empty = initialState(undefined);
    expect(wizardReducer(empty, {type: 'next'}).step).toBe('discover');
    expect(run(empty, {type: 'load-tailnet', tailnet}, {type: 'next'}).step).toBe('roles');
  });

  test('going back keeps every input', () => {
    const edited = run(
      start(),
      {type: 'next'},
      {type: 'set-role', id: id('rpi4-a'), role: 'control-plane'},
      {type: 'next'},
      {type: 'edit-network', field: 'vip', edit: {kind: 'clear'}},
      {type: 'edit-network', field: 'vip', edit: {kind: 'insert', text: '10.201.0.1'}},
    );
    const back = run(edited, {type: 'back'}, {type: 'back'}, {type: 'next'}, {type: 'next'});
    expect(back.network.vip).toBe('10.201.0.1');
    expect(back.controlPlanes).toEqual([id('rpi4-a')]);
  });
});

describe('wizardReducer: roles', () => {
  test('control planes keep the order they were chosen in; the first is the init node', () => {
    const state = run(
      start(),
      {type: 'set-role', id: 'a', role: 'control-plane'},
      {type: 'set-role', id: 'b', role: 'worker'},
      {type: 'set-role', id: 'c', role: 'control-plane'},
      {type: 'set-role', id: 'b', role: 'control-plane'},
    );
    expect(state.controlPlanes).toEqual(['a', 'c', 'b']);
    expect(state.workers).toEqual([]);
    expect(roleOf(state, 'c')).toBe('control-plane');
    expect(roleOf(state, 'z')).toBe('none');
  });

  test('→ cycles not in cluster → control plane → worker → not in cluster; ← goes the other way', () => {
    const roles = [1, 1, 1, -1].reduce<WizardState[]>(
      (states, delta) => [
        ...states,
        wizardReducer(states.at(-1)!, {type: 'cycle-role', id: 'a', delta}),
      ],
      [start()],
    );
    expect(roles.map((state) => roleOf(state, 'a'))).toEqual([
      'none',
      'control-plane',
      'worker',
      'none',
      'worker',
    ]);
  });

  test('make-init moves a control plane (or a worker, promoted) to the front', () => {
    const state = run(
      start(),
      {type: 'set-role', id: 'a', role: 'control-plane'},
      {type: 'set-role', id: 'b', role: 'control-plane'},
      {type: 'set-role', id: 'w', role: 'worker'},
    );
    expect(run(state, {type: 'make-init', id: 'b'}).controlPlanes).toEqual(['b', 'a']);
    const promoted = run(state, {type: 'make-init', id: 'w'});
    expect(promoted.controlPlanes).toEqual(['w', 'a', 'b']);
    expect(promoted.workers).toEqual([]);
  });

  test('setting a role to none takes the node out; an unchanged role returns the same state', () => {
    const state = run(start(), {type: 'set-role', id: 'a', role: 'worker'});
    expect(wizardReducer(state, {type: 'set-role', id: 'a', role: 'worker'})).toBe(state);
    expect(run(state, {type: 'set-role', id: 'a', role: 'none'}).workers).toEqual([]);
  });

  test('confirming an even count holds only while the count stays the same', () => {
    const four = run(
      start(),
      ...['a', 'b', 'c', 'd'].map((node): WizardAction => ({
        type: 'set-role',
        id: node,
        role: 'control-plane',
      })),
      {type: 'allow-even-control-planes', allow: true},
    );
    expect(four.allowEvenControlPlanes).toBe(true);
    expect(run(four, {type: 'make-init', id: 'c'}).allowEvenControlPlanes).toBe(true);
    expect(run(four, {type: 'set-role', id: 'd', role: 'worker'}).allowEvenControlPlanes).toBe(
      false,
    );
  });
});

describe('wizardReducer: inputs', () => {
  test('command-line values replace the defaults', () => {
    const state = initialState(tailnet, {vip: '10.201.0.1', clusterName: 'lab', sshUser: 'pi'});
    expect(state.network).toMatchObject({
      vip: '10.201.0.1',
      podCidr: '10.244.0.0/16',
      clusterName: 'lab',
    });
    expect(state.access.user).toBe('pi');
  });

  test('a per-host override starts from the cluster setting and can be removed', () => {
    const state = run(
      start(),
      {type: 'set-auth', host: undefined, auth: 'key'},
      {
        type: 'edit-access',
        host: undefined,
        field: 'keyFile',
        edit: {kind: 'insert', text: '~/.ssh/lab'},
      },
      {type: 'edit-access', host: 'a', field: 'user', edit: {kind: 'clear'}},
      {type: 'edit-access', host: 'a', field: 'user', edit: {kind: 'insert', text: 'pi'}},
    );
    expect(state.hostAccess['a']).toEqual({user: 'pi', auth: 'key', keyFile: '~/.ssh/lab'});
    expect(run(state, {type: 'clear-host-access', id: 'a'}).hostAccess).toEqual({});
  });

  test('→ on the method cycles ssh-agent → key file → Tailscale SSH, per host too', () => {
    const state = run(
      start(),
      {type: 'cycle-auth', host: undefined, delta: 1},
      {type: 'cycle-auth', host: 'b', delta: -1},
    );
    expect(state.access.auth).toBe('key');
    // The override starts from the cluster setting (key file) and goes back one: ssh-agent.
    expect(state.hostAccess['b']?.auth).toBe('agent');
  });

  test('switching the method away from a key file and back keeps the path', () => {
    const state = run(
      start(),
      {type: 'set-auth', host: undefined, auth: 'key'},
      {
        type: 'edit-access',
        host: undefined,
        field: 'keyFile',
        edit: {kind: 'insert', text: '~/.ssh/lab'},
      },
      {type: 'set-auth', host: undefined, auth: 'agent'},
      {type: 'set-auth', host: undefined, auth: 'key'},
    );
    expect(state.access.keyFile).toBe('~/.ssh/lab');
  });
});

describe('planChoices', () => {
  test('turns drafts into PlanChoices and leaves out overrides of hosts not in the cluster', () => {
    const state = run(
      start(),
      {type: 'set-role', id: 'a', role: 'control-plane'},
      {type: 'set-role', id: 'b', role: 'worker'},
      {type: 'set-auth', host: 'b', auth: 'tailscale-ssh'},
      {type: 'set-auth', host: 'gone', auth: 'tailscale-ssh'},
    );
    const choices = planChoices(state);
    expect(choices).toMatchObject({
      controlPlanes: ['a'],
      workers: ['b'],
      network: {vip: '10.200.0.1', podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12'},
      kubernetesVersion: '1.36',
      clusterName: 'homelab',
      access: {user: 'root', auth: {kind: 'agent'}},
      allowEvenControlPlanes: false,
    });
    expect(choices.hostAccess).toEqual({b: {user: 'root', auth: {kind: 'tailscale-ssh'}}});
  });
});

describe('the endpoint', () => {
  test('starts as the Tailscale VIP (or as given), cycles both ways, and goes into the plan', () => {
    expect(start().endpoint).toBe('tailscale-vip');
    expect(initialState(undefined, {endpoint: 'kube-vip'}).endpoint).toBe('kube-vip');
    const forward = run(start(), {type: 'cycle-endpoint', delta: 1});
    expect(forward.endpoint).toBe('keepalived-haproxy');
    expect(run(start(), {type: 'cycle-endpoint', delta: -1}).endpoint).toBe('kube-vip');
    const chosen = run(forward, {type: 'set-endpoint', endpoint: 'kube-vip'});
    expect(chosen.endpoint).toBe('kube-vip');
    expect(run(chosen, {type: 'set-endpoint', endpoint: 'kube-vip'})).toBe(chosen);
    expect(planChoices(chosen).network.endpoint).toBe('kube-vip');
    // The other network inputs are untouched.
    expect(chosen.network).toEqual(start().network);
  });
});

describe('stepBlockers', () => {
  const finding = (field: Finding['field'], severity: Finding['severity'] = 'error'): Finding => ({
    code: `code-${field ?? 'none'}`,
    severity,
    message: 'm',
    ...(field ? {field} : {}),
  });
  const findings = [
    finding('roles'),
    finding('vip'),
    finding('clusterName'),
    finding('access'),
    finding(undefined),
    finding('vip', 'warning'),
  ];

  test('a screen is blocked only by errors about its own inputs', () => {
    expect(stepBlockers('discover', findings)).toEqual([]);
    expect(stepBlockers('roles', findings).map((f) => f.field)).toEqual(['roles']);
    expect(stepBlockers('network', findings).map((f) => f.field)).toEqual(['vip', 'clusterName']);
    expect(stepBlockers('access', findings).map((f) => f.field)).toEqual(['access']);
  });

  test('writing on Review is blocked by every error, warnings never block', () => {
    expect(stepBlockers('review', findings)).toHaveLength(5);
    expect(stepBlockers('review', [finding('vip', 'warning')])).toEqual([]);
  });
});
