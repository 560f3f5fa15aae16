// containerd's config back as it was before the first run (DOMAIN.md phase
// 4 backed it up before replacing it), or removed when the wizard created
// it, and containerd restarted to read it.
import {containerdConfig, resetOrder} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import {warn, type Phase} from '../phases/phase.js';
import {fileUndoOf, undoFile} from './files.js';

export const resetContainerd = (changes: readonly RecordedChange[] | undefined): Phase => ({
  id: 'reset-containerd',
  title: 'containerd config back',
  mode: 'parallel',
  hosts: resetOrder,
  async check(step) {
    const undo = await fileUndoOf(step.host, containerdConfig, changes, false);
    if (undo.action !== 'none') return false;
    if (undo.note) warn(step, undo.note);
    return undo.note ?? 'nothing to put back';
  },
  async apply(step) {
    const undo = await fileUndoOf(step.host, containerdConfig, changes, false);
    await undoFile(step.host, undo);
    await step.host.run(['systemctl', 'restart', 'containerd'], {
      sudo: true,
      mutates: true,
      suggestion: `journalctl -u containerd on ${step.node.name} says why.`,
    });
    return undo.action === 'remove'
      ? `${containerdConfig} removed (ha-wizard had created it), containerd restarted`
      : undo.action === 'restore'
        ? `${containerdConfig} put back from ${undo.from}, containerd restarted`
        : 'containerd restarted';
  },
});
