// The record of what the wizard changed on each host (for `ha-wizard reset`):
// the first record per host and thing wins across runs, a later one only adds
// the backup path, and the saved form is read back defensively.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
  addChange,
  parseChanges,
  recordChange,
  type RecordedChange,
} from '../../source/core/run/changes.js';
import type {HostChange, RunEvent} from '../../source/core/run/events.js';
import {readSavedRun, recordRun} from '../../source/engine/run-store.js';
import {goldenCases} from './artifacts-plans.js';

const change = (host: string, c: HostChange, phase = 'p'): RunEvent => ({
  type: 'host-change',
  at: 0,
  phase,
  host,
  change: c,
});
const fold = (events: RunEvent[], start: readonly RecordedChange[] = []) =>
  events.reduce(recordChange, start);

describe('recorded changes', () => {
  it('keeps the first previous value per host and thing: a later run records the wizard’s own state', () => {
    const changes = fold([
      change('a', {kind: 'accept-routes', previous: false}),
      change('a', {kind: 'accept-routes', previous: true}),
      change('b', {kind: 'accept-routes', previous: true}),
      change('a', {kind: 'file', path: '/x', previous: 'absent'}),
      change('a', {kind: 'file', path: '/x', previous: 'present', backupPath: '/x.bak'}),
      change('a', {kind: 'advertise-routes', previous: ['192.168.1.0/24']}),
      change('a', {kind: 'advertise-routes', previous: []}),
    ]);
    expect(changes.map((c) => [c.host, c.change])).toEqual([
      ['a', {kind: 'accept-routes', previous: false}],
      ['b', {kind: 'accept-routes', previous: true}],
      ['a', {kind: 'file', path: '/x', previous: 'absent'}],
      ['a', {kind: 'advertise-routes', previous: ['192.168.1.0/24']}],
    ]);
  });

  it('adds the backup path to a replaced file recorded before the write, and never replaces one', () => {
    const changes = fold([
      change('a', {kind: 'file', path: '/c', previous: 'present'}),
      change('a', {kind: 'file', path: '/c', previous: 'present', backupPath: '/c.1.bak'}),
      change('a', {kind: 'file', path: '/c', previous: 'present', backupPath: '/c.2.bak'}),
    ]);
    expect(changes).toEqual([
      {
        host: 'a',
        phase: 'p',
        change: {kind: 'file', path: '/c', previous: 'present', backupPath: '/c.1.bak'},
      },
    ]);
  });

  it('ignores every other event, returning the same array', () => {
    const start = fold([change('a', {kind: 'nm-connection', name: 'lo1'})]);
    expect(recordChange(start, {type: 'phase-started', at: 0, phase: 'x'})).toBe(start);
    expect(
      addChange(start, {host: 'a', phase: 'q', change: {kind: 'nm-connection', name: 'lo1'}}),
    ).toBe(start);
  });

  it('reads back only well-formed records', () => {
    expect(
      parseChanges([
        {host: 'a', phase: 'p', change: {kind: 'accept-routes', previous: false}},
        {host: 'a', phase: 'p', change: {kind: 'accept-routes', previous: 'no'}},
        {host: 'a', phase: 'p', change: {kind: 'file', path: '/x', previous: 'maybe'}},
        {host: 'a', phase: 'p', change: {kind: 'advertise-routes', previous: ['1.2.3.0/24', 5]}},
        {host: 1, phase: 'p', change: {kind: 'nm-connection', name: 'lo1'}},
        {host: 'a', phase: 'p', change: {kind: 'rm -rf /'}},
        null,
        'x',
      ]),
    ).toEqual([{host: 'a', phase: 'p', change: {kind: 'accept-routes', previous: false}}]);
    expect(parseChanges({})).toEqual([]);
  });
});

describe('the saved run keeps the changes of every run of the cluster', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  it('a resumed run adds to the first run’s record instead of starting a new one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-wizard-changes-'));
    const plan = goldenCases['A']!;
    const now = () => new Date('2026-11-24T10:00:00Z');
    const first = await recordRun(dir, plan, {now});
    first.event(change('nuc', {kind: 'accept-routes', previous: false}, 'tailscale-flags'));
    first.event(
      change('nuc', {kind: 'file', path: '/etc/containerd/config.toml', previous: 'absent'}),
    );
    const second = await recordRun(dir, plan, {now});
    second.event(change('nuc', {kind: 'accept-routes', previous: true}, 'tailscale-flags'));
    second.event(change('opi5', {kind: 'accept-routes', previous: false}, 'tailscale-flags'));
    const saved = readSavedRun(dir, plan.clusterName);
    expect(
      saved?.changes?.map((c) => `${c.host} ${c.change.kind} ${JSON.stringify(c.change)}`),
    ).toEqual([
      'nuc accept-routes {"kind":"accept-routes","previous":false}',
      'nuc file {"kind":"file","path":"/etc/containerd/config.toml","previous":"absent"}',
      'opi5 accept-routes {"kind":"accept-routes","previous":false}',
    ]);
    // Still schema 1: an older reader ignores the optional field.
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toMatchObject({schemaVersion: 1});
  });
});
