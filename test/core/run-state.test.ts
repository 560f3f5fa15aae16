import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {initialRunState, phaseProgress, reduceRun} from '../../source/core/run/state.js';

const started: RunEvent = {
  type: 'run-started',
  at: 1000,
  logPath: '/state/run.log',
  phases: [
    {id: 'preflight', title: 'Preflight', hosts: ['cp1', 'w1'], mode: 'parallel'},
    {id: 'containerd', title: 'containerd', hosts: ['cp1', 'w1'], mode: 'parallel'},
  ],
  hosts: [
    {name: 'cp1', role: 'control-plane', address: '100.64.10.11'},
    {name: 'w1', role: 'worker', address: '100.64.10.101'},
  ],
};

const fold = (events: readonly RunEvent[], maxLines?: number) =>
  events.reduce(reduceRun, initialRunState(maxLines));

describe('reduceRun', () => {
  it('starts with every phase pending and every host pending, in order', () => {
    const state = fold([started]);
    expect(state.hostOrder).toEqual(['cp1', 'w1']);
    expect(state.hosts['cp1']?.status).toBe('pending');
    expect(state.phases.map((phase) => phase.status)).toEqual(['pending', 'pending']);
    expect(state.logPath).toBe('/state/run.log');
    expect(phaseProgress(state)).toEqual({done: 0, total: 2});
  });

  it('tracks a host step: phase, status, elapsed time across steps', () => {
    const state = fold([
      started,
      {type: 'phase-started', at: 1000, phase: 'preflight'},
      {type: 'host-step-started', at: 1000, phase: 'preflight', host: 'cp1'},
      {
        type: 'host-step-finished',
        at: 1500,
        phase: 'preflight',
        host: 'cp1',
        status: 'done',
        changed: false,
      },
      {type: 'host-step-started', at: 2000, phase: 'containerd', host: 'cp1'},
      {type: 'host-output', at: 2600, phase: 'containerd', host: 'w1', stream: 'stdout', line: 'x'},
    ]);
    const cp1 = state.hosts['cp1'];
    expect(cp1?.status).toBe('running');
    expect(cp1?.phase).toBe('containerd');
    // 500 ms of preflight plus 600 ms of containerd so far, as of the latest event.
    expect(cp1?.elapsedMs).toBe(1100);
    expect(state.now).toBe(2600);
  });

  it('keeps only the last N output lines per host', () => {
    const lines: RunEvent[] = Array.from({length: 10}, (_, index) => ({
      type: 'host-output',
      at: 1000 + index,
      phase: 'preflight',
      host: 'w1',
      stream: 'stdout',
      line: `line ${index}`,
    }));
    const state = fold([started, ...lines], 3);
    expect(state.hosts['w1']?.lines).toEqual(['line 7', 'line 8', 'line 9']);
    expect(state.hosts['cp1']?.lines).toEqual([]);
  });

  it('keeps a failure in sight and marks the phase failed', () => {
    const state = fold([
      started,
      {type: 'phase-started', at: 1000, phase: 'containerd'},
      {type: 'host-step-started', at: 1000, phase: 'containerd', host: 'w1'},
      {
        type: 'host-step-finished',
        at: 1200,
        phase: 'containerd',
        host: 'w1',
        status: 'failed',
        changed: false,
        failure: {
          message: 'systemctl restart containerd failed',
          command: 'sudo -n -- systemctl restart containerd',
          exitCode: 1,
          stderrTail: ['Job for containerd.service failed.'],
          suggestion: 'journalctl -u containerd',
        },
      },
      {type: 'phase-finished', at: 1300, phase: 'containerd', status: 'failed'},
    ]);
    expect(state.hosts['w1']?.status).toBe('failed');
    expect(state.hosts['w1']?.failure).toMatchObject({phase: 'containerd', exitCode: 1});
    expect(state.phases[1]?.status).toBe('failed');
  });

  it('shows and clears the route-approval wait and questions', () => {
    const waiting = fold([
      started,
      {
        type: 'waiting',
        at: 1100,
        phase: 'route-approval',
        host: 'cp1',
        message: 'Approve 10.200.0.1/32',
        links: ['https://login.tailscale.com/admin/machines/100.64.10.11'],
        snippet: '{}',
      },
      {
        type: 'question',
        at: 1200,
        id: 'q1',
        kind: 'host-key',
        host: 'w1',
        message: 'Trust?',
        fingerprint: 'SHA256:x',
      },
    ]);
    expect(waiting.waiting?.links).toHaveLength(1);
    expect(waiting.hosts['cp1']?.status).toBe('waiting');
    expect(waiting.questions.map((question) => question.id)).toEqual(['q1']);
    const after = [
      {type: 'waiting-over', at: 1300, phase: 'route-approval'},
      {type: 'question-answered', at: 1300, id: 'q1', accepted: true},
    ] satisfies RunEvent[];
    const cleared = after.reduce(reduceRun, waiting);
    expect(cleared.waiting).toBeUndefined();
    expect(cleared.questions).toEqual([]);
    expect(cleared.hosts['cp1']?.status).toBe('running');
  });

  it('records the outcome and counts skipped phases as done', () => {
    const state = fold([
      started,
      {type: 'phase-finished', at: 1100, phase: 'preflight', status: 'done'},
      {type: 'phase-finished', at: 1200, phase: 'containerd', status: 'skipped'},
      {
        type: 'run-finished',
        at: 1300,
        ok: true,
        changed: false,
        aborted: false,
        summary: {clusterName: 'homelab', nodes: [], vip: '10.200.0.1'},
      },
    ]);
    expect(phaseProgress(state)).toEqual({done: 2, total: 2});
    expect(state.outcome).toMatchObject({ok: true, changed: false});
  });

  it('never mutates the previous state', () => {
    const before = fold([started]);
    const frozen = JSON.stringify(before);
    reduceRun(before, {type: 'host-step-started', at: 5000, phase: 'preflight', host: 'cp1'});
    expect(JSON.stringify(before)).toBe(frozen);
  });
});

describe('a run that failed on "connection refused"', () => {
  it('is spotted in the error or in a host failure, not in a stopped or good run', async () => {
    const {failedWithConnectionRefused} = await import('../../source/core/run/refused.js');
    const summary = {clusterName: 'homelab', nodes: [], vip: '10.200.0.1'};
    const failed = {ok: false, changed: true, aborted: false, summary};
    const state = reduceRun(initialRunState(), {
      type: 'host-step-finished',
      at: 1,
      phase: 'verify',
      host: 'cp1',
      status: 'failed',
      changed: false,
      failure: {
        message: 'kubectl get nodes failed',
        stderrTail: [
          'The connection to the server 10.200.0.1:6443 was refused - did you specify the right host or port?',
          'dial tcp 10.200.0.1:6443: connect: connection refused',
        ],
      },
    });
    expect(failedWithConnectionRefused(state, failed)).toBe(true);
    expect(
      failedWithConnectionRefused(initialRunState(), {
        ...failed,
        error: 'Get "https://10.200.0.1:6443/readyz": dial tcp: ECONNREFUSED',
      }),
    ).toBe(true);
    expect(failedWithConnectionRefused(initialRunState(), {...failed, error: 'timed out'})).toBe(
      false,
    );
    expect(failedWithConnectionRefused(state, {...failed, aborted: true})).toBe(false);
    expect(failedWithConnectionRefused(state, {...failed, ok: true})).toBe(false);
  });
});
