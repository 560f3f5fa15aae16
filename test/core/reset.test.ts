// The pure decisions of ha-wizard reset: the order hosts are undone in, which
// backup holds the file from before the first run, what to do with each file
// the wizard wrote, and the list the user is asked about.
import {describe, expect, it} from 'vitest';
import {
  backupsOldestFirst,
  describeReset,
  fileUndo,
  resetOrder,
  type FileFacts,
} from '../../source/core/reset/undo.js';
import type {RecordedChange} from '../../source/core/run/changes.js';
import {goldenCases, planFor} from './artifacts-plans.js';

const plan = goldenCases['A']!; // CPs rpi4-a (init), rpi4-b, nas; workers opi5, nuc
const path = '/etc/containerd/config.toml';
const bak = (stamp: string, n?: number) =>
  `${path}.ha-wizard.${stamp}${n === undefined ? '' : `.${n}`}.bak`;

describe('resetOrder', () => {
  it('undoes workers first, then control planes in reverse join order, the init node last', () => {
    expect(resetOrder(plan).map((node) => node.name)).toEqual([
      'opi5',
      'nuc',
      'nas',
      'rpi4-b',
      'rpi4-a',
    ]);
    expect(resetOrder(planFor('1.36', ['nas'], [])).map((node) => node.name)).toEqual(['nas']);
  });
});

describe('backupsOldestFirst', () => {
  it('sorts by stamp, then by the counter of a second backup in the same millisecond', () => {
    const names = [
      bak('20261124T213423.123Z'),
      bak('20261124T213423.123Z', 2),
      bak('20251231T235959.999Z'),
      bak('20261124T213423.123Z', 1),
      `${path}.bak`,
      '/etc/containerd/other.toml.ha-wizard.20261124T213423.123Z.bak',
      '',
    ];
    expect(backupsOldestFirst(path, names)).toEqual([
      bak('20251231T235959.999Z'),
      bak('20261124T213423.123Z'),
      bak('20261124T213423.123Z', 1),
      bak('20261124T213423.123Z', 2),
    ]);
  });
});

describe('fileUndo', () => {
  const facts = (over: Partial<FileFacts>): FileFacts => ({
    path,
    exists: true,
    backups: [],
    record: undefined,
    owned: false,
    ...over,
  });
  const early = bak('20261124T100000.000Z');
  const later = bak('20261124T110000.000Z');

  it('created by the wizard: removes the file and the backups of its own versions; then nothing', () => {
    const record = {kind: 'file', path, previous: 'absent'} as const;
    expect(fileUndo(facts({record, backups: [early]}))).toEqual({
      action: 'remove',
      paths: [path, early],
    });
    expect(fileUndo(facts({record, exists: false}))).toEqual({action: 'none'});
  });

  it('replaced by the wizard: puts the recorded backup back and drops the later ones', () => {
    const record = {kind: 'file', path, previous: 'present', backupPath: early} as const;
    expect(fileUndo(facts({record, backups: [early, later]}))).toEqual({
      action: 'restore',
      path,
      from: early,
      remove: [later],
    });
    // Restored already (the backup was moved back): nothing left to do.
    expect(fileUndo(facts({record, backups: []}))).toEqual({action: 'none'});
    // Killed before the backup's path was recorded: the oldest backup is the one.
    expect(
      fileUndo(facts({record: {kind: 'file', path, previous: 'present'}, backups: [early, later]})),
    ).toMatchObject({action: 'restore', from: early});
  });

  it('not written by the wizard (the record has nothing for it): left alone', () => {
    expect(fileUndo(facts({record: undefined, backups: [early]}))).toEqual({action: 'none'});
  });

  it('no record at all: its own files go, another file gets its oldest backup back or is named', () => {
    expect(fileUndo(facts({record: 'unknown', owned: true, backups: [early]}))).toEqual({
      action: 'remove',
      paths: [path, early],
    });
    expect(fileUndo(facts({record: 'unknown', backups: [early, later]}))).toMatchObject({
      action: 'restore',
      from: early,
      remove: [later],
    });
    expect(fileUndo(facts({record: 'unknown'}))).toEqual({
      action: 'none',
      note: `${path} left as it is: no record of whether ha-wizard created it`,
    });
    expect(fileUndo(facts({record: 'unknown', exists: false}))).toEqual({action: 'none'});
  });
});

describe('describeReset', () => {
  it('lists per host, in reset order, what will be undone, with the recorded previous values', () => {
    const changes: RecordedChange[] = [
      {host: 'nas', phase: 'tailscale-flags', change: {kind: 'accept-routes', previous: false}},
      {
        host: 'nas',
        phase: 'vip',
        change: {kind: 'advertise-routes', previous: ['192.168.1.0/24']},
      },
      {host: 'nas', phase: 'vip', change: {kind: 'nm-connection', name: 'lo1'}},
      {
        host: 'nuc',
        phase: 'containerd',
        change: {kind: 'file', path, previous: 'present', backupPath: early()},
      },
      {host: 'opi5', phase: 'containerd', change: {kind: 'file', path, previous: 'absent'}},
    ];
    const lines = describeReset(plan, changes);
    expect(lines[0]).toBe(
      'Reset cluster homelab: undo what ha-wizard did on 5 hosts, in this order:',
    );
    expect(lines.slice(1).map((line) => line.trim().split(' ')[0])).toEqual([
      'opi5',
      'nuc',
      'nas',
      'rpi4-b',
      'rpi4-a',
    ]);
    expect(lines[1]).toBe(`  opi5 (worker): kubeadm reset -f; remove ${path} (it created it)`);
    expect(lines[2]).toBe(`  nuc (worker): kubeadm reset -f; put back ${path} from ${early()}`);
    expect(lines[3]).toBe(
      '  nas (control plane): stop and remove the health gate; kubeadm reset -f; withdraw 10.200.0.1/32 from the advertised routes (keep 192.168.1.0/24); delete the NetworkManager connection lo1; accept-routes back off',
    );
    expect(lines[5]).toMatch(/^ {2}rpi4-a \(init node\): stop and remove the health gate;/);
  });

  it('says when there is no record of previous values', () => {
    const lines = describeReset(plan, undefined);
    expect(lines[1]).toContain('accept-routes: left as it is (no record of its value before)');
    expect(lines.at(-1)).toContain('No record of the previous values');
  });

  function early() {
    return bak('20261124T100000.000Z');
  }
});
