// Undo of the health gate (DOMAIN.md "Target topology"): stopped and disabled
// FIRST, before anything else on the host, so it cannot put the VIP back
// while the rest is undone; then its three files and its two folders.
import {healthGatePaths, healthGateUnitName} from '../../core/artifacts/health-gate.js';
import type {FileUndo} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import {StepError} from '../step-error.js';
import type {Phase, StepContext} from '../phases/phase.js';
import {resetOrder} from '../../core/reset/undo.js';
import {fileUndoOf, undoFile} from './files.js';

const files = [healthGatePaths.unit, healthGatePaths.script, healthGatePaths.env];
const folders = ['/usr/local/lib/ha-wizard', '/etc/ha-wizard'];

const active = async (step: StepContext) =>
  (
    await step.host.run(['systemctl', 'is-active', healthGateUnitName], {allowFailure: true})
  ).stdout.trim() === 'active';

const inspect = async (step: StepContext, changes: readonly RecordedChange[] | undefined) => {
  const undos: FileUndo[] = [];
  for (const path of files) undos.push(await fileUndoOf(step.host, path, changes, true));
  return {undos, active: await active(step)};
};

export const resetHealthGate = (changes: readonly RecordedChange[] | undefined): Phase => ({
  id: 'reset-health-gate',
  title: 'Remove the health gate',
  mode: 'parallel',
  hosts: resetOrder,
  async check(step) {
    const found = await inspect(step, changes);
    return !found.active && found.undos.every((undo) => undo.action === 'none')
      ? 'no health gate'
      : false;
  },
  async apply(step) {
    const {host} = step;
    // A unit that is not installed makes disable fail; is-active below is what counts.
    await host.run(['systemctl', 'disable', '--now', healthGateUnitName], {
      sudo: true,
      mutates: true,
      allowFailure: true,
    });
    const found = await inspect(step, changes);
    let removed = false;
    for (const undo of found.undos) if (await undoFile(host, undo)) removed = true;
    for (const folder of folders)
      await host.run(['rmdir', '--ignore-fail-on-non-empty', '--', folder], {
        sudo: true,
        allowFailure: true,
      });
    if (removed) await host.run(['systemctl', 'daemon-reload'], {sudo: true, mutates: true});
    return 'stopped, disabled and removed';
  },
  async verify(step) {
    if (await active(step))
      throw new StepError({
        message: `${healthGateUnitName} is still active on ${step.node.name}`,
        command: `systemctl is-active ${healthGateUnitName}`,
        stderrTail: [],
        suggestion: `sudo systemctl disable --now ${healthGateUnitName} there, then run ha-wizard reset again.`,
      });
  },
});
