// Undo of keepalived + HAProxy (issue 11) on the control planes: keepalived
// stops first (its priority-0 goodbye takes the VIP off the LAN at once), then
// HAProxy, each back to how the saved run found it (stopped and disabled where
// it was); the configs are put back from their backups or removed where the
// wizard created them. The packages stay installed: removing software the
// user may use otherwise is their call (sudo apt-get remove keepalived haproxy).
import {keepalivedPaths} from '../../core/artifacts/keepalived.js';
import {haproxyConfigPath} from '../../core/artifacts/haproxy.js';
import {hostRecords, resetOrder, type FileUndo} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import type {HostChange} from '../../core/run/events.js';
import {warn, type Phase, type StepContext} from '../phases/phase.js';
import {StepError} from '../step-error.js';
import {fileUndoOf, undoFile} from './files.js';

/** keepalived first: once it is stopped nothing puts the VIP back. */
const services = ['keepalived', 'haproxy'] as const;

/** The check script is the wizard's own; keepalived.conf and haproxy.cfg may be the user's. */
const files = [
  {path: keepalivedPaths.config, owned: false},
  {path: keepalivedPaths.checkScript, owned: true},
  {path: haproxyConfigPath, owned: false},
];

interface Wanted {
  readonly stop: boolean;
  readonly disable: boolean;
}

/** The config the service reads, whose header says when it is the wizard's. */
const configOf: Record<(typeof services)[number], string> = {
  keepalived: keepalivedPaths.config,
  haproxy: haproxyConfigPath,
};

/**
 * Stop/disable where the wizard started/enabled it. With no record at all
 * (the saved run is gone, or a second reset), stop only a service still
 * running the wizard's config, and leave whether it starts at boot alone.
 */
const wanted = async (
  step: StepContext,
  records: readonly HostChange[] | undefined,
  name: (typeof services)[number],
): Promise<Wanted> => {
  if (records === undefined) {
    const config = await step.host.read(configOf[name], {sudo: true});
    return {stop: config?.includes('(ha-wizard)') === true, disable: false};
  }
  const record = records.find(
    (change): change is Extract<HostChange, {kind: 'service'}> =>
      change.kind === 'service' && change.name === name,
  );
  return record
    ? {stop: !record.previousActive, disable: !record.previousEnabled}
    : {stop: false, disable: false};
};

const state = async (step: StepContext, name: string) => ({
  active:
    (await step.host.run(['systemctl', 'is-active', name], {allowFailure: true})).stdout.trim() ===
    'active',
  enabled:
    (await step.host.run(['systemctl', 'is-enabled', name], {allowFailure: true})).stdout.trim() ===
    'enabled',
});

const inspect = async (step: StepContext, changes: readonly RecordedChange[] | undefined) => {
  const records = hostRecords(changes, step.node.name);
  const undos: FileUndo[] = [];
  for (const file of files) undos.push(await fileUndoOf(step.host, file.path, changes, file.owned));
  const pending: Array<(typeof services)[number]> = [];
  for (const name of services) {
    const want = await wanted(step, records, name);
    const now = await state(step, name);
    if ((want.stop && now.active) || (want.disable && now.enabled)) pending.push(name);
  }
  return {records, undos, pending};
};

export const resetKeepalivedHaproxy = (changes: readonly RecordedChange[] | undefined): Phase => ({
  id: 'reset-keepalived-haproxy',
  title: 'Remove keepalived + HAProxy setup',
  mode: 'parallel',
  endpoints: ['keepalived-haproxy'],
  hosts: (plan) => resetOrder(plan).filter((node) => node.role === 'control-plane'),
  async check(step) {
    const found = await inspect(step, changes);
    if (found.pending.length > 0 || found.undos.some((undo) => undo.action !== 'none'))
      return false;
    // Without a record a config is left where it is; say so, as reset's other steps do.
    const notes = found.undos.flatMap((undo) =>
      undo.action === 'none' && undo.note ? [undo.note] : [],
    );
    for (const message of notes) warn(step, message);
    return notes.length > 0 ? notes.join('; ') : 'no keepalived or HAProxy setup of ha-wizard';
  },
  async apply(step) {
    const {host} = step;
    const found = await inspect(step, changes);
    for (const name of services) {
      const want = await wanted(step, found.records, name);
      // A unit that is not installed makes these fail; verify checks what counts.
      if (want.disable)
        await host.run(['systemctl', 'disable', name], {
          sudo: true,
          mutates: true,
          allowFailure: true,
        });
      if (want.stop)
        await host.run(['systemctl', 'stop', name], {
          sudo: true,
          mutates: true,
          allowFailure: true,
        });
    }
    const stopped = new Set(found.pending);
    let restored = false;
    for (const undo of found.undos) if (await undoFile(host, undo)) restored = true;
    // A service that ran before the wizard runs on with its own config again.
    if (restored)
      for (const name of services)
        if (!stopped.has(name) && (await state(step, name)).active)
          await host.run(['systemctl', 'restart', name], {sudo: true, mutates: true});
    return 'keepalived and haproxy back as they were (packages left installed)';
  },
  async verify(step) {
    const found = await inspect(step, changes);
    if (found.pending.length > 0)
      throw new StepError({
        message: `${found.pending.join(' and ')} still running or enabled on ${step.node.name}`,
        command: `systemctl is-active ${found.pending.join(' ')}`,
        stderrTail: [],
        suggestion: `sudo systemctl disable --now ${found.pending.join(' ')} there, then run ha-wizard reset again.`,
      });
  },
});
