// Undo of lo1 and the VIP on it (DOMAIN.md phase 6): the systemd-networkd
// files (removed, or put back when they were there before) and
// `networkctl reload`, or the NetworkManager connection; then the link itself
// when it was the wizard's, else only the VIP's address on it.
import {lo1Interface} from '../../core/artifacts/networkd.js';
import {vipRoute} from '../../core/artifacts/vip.js';
import {lo1Files, resetOrder, hostRecords, type FileUndo} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import type {Phase, StepContext} from '../phases/phase.js';
import {lo1State} from '../phases/steps/vip.js';
import {StepError} from '../step-error.js';
import {fileUndoOf, undoFile} from './files.js';

interface Lo1Facts {
  readonly files: readonly FileUndo[];
  /** The NetworkManager connection lo1 is to be deleted. */
  readonly nmDelete: boolean;
  readonly link: 'absent' | 'without-vip' | 'with-vip';
  /** lo1 is the wizard's (recorded, or recognised when there is no record). */
  readonly ours: boolean;
}

const nmConnectionType = async (step: StepContext): Promise<string | undefined> => {
  // No such profile (exit 10), NetworkManager not running (8) or nmcli missing (127): none to delete.
  // As root: the profile's keyfile is root's (0600), and the lab's nmcli reads it directly.
  const result = await step.host.run(['nmcli', 'connection', 'show', lo1Interface], {
    sudo: true,
    allowFailure: true,
    quiet: true,
  });
  if (result.code !== 0) return undefined;
  return /^connection\.type:\s*(\S+)/m.exec(result.stdout)?.[1] ?? 'unknown';
};

const inspect = async (
  step: StepContext,
  changes: readonly RecordedChange[] | undefined,
): Promise<Lo1Facts> => {
  const records = hostRecords(changes, step.node.name);
  const files = [
    await fileUndoOf(step.host, lo1Files.netdev, changes, true),
    await fileUndoOf(step.host, lo1Files.network, changes, true),
  ];
  const type = await nmConnectionType(step);
  const recordedNm = records?.some(
    (change) => change.kind === 'nm-connection' && change.name === lo1Interface,
  );
  const ours =
    records === undefined ||
    recordedNm === true ||
    records.some(
      (change) =>
        change.kind === 'file' && change.path === lo1Files.netdev && change.previous === 'absent',
    );
  return {
    files,
    nmDelete:
      type !== undefined && (records === undefined ? type === 'dummy' : recordedNm === true),
    link: await lo1State(step.host, step.plan.network.vip),
    ours,
  };
};

const undone = (facts: Lo1Facts) =>
  facts.files.every((undo) => undo.action === 'none') &&
  !facts.nmDelete &&
  (facts.link === 'absent' || (!facts.ours && facts.link === 'without-vip'));

export const resetLo1 = (changes: readonly RecordedChange[] | undefined): Phase => ({
  id: 'reset-lo1',
  title: 'Remove lo1 and the VIP',
  mode: 'parallel',
  hosts: resetOrder,
  check: async (step) => (undone(await inspect(step, changes)) ? 'no lo1 of ha-wizard' : false),
  async apply(step) {
    const {host} = step;
    const vip = vipRoute(step.plan.network.vip);
    const facts = await inspect(step, changes);
    let networkd = false;
    for (const undo of facts.files) if (await undoFile(host, undo)) networkd = true;
    if (networkd) await host.run(['networkctl', 'reload'], {sudo: true, mutates: true});
    if (facts.nmDelete)
      await host.run(['nmcli', 'connection', 'delete', lo1Interface], {sudo: true, mutates: true});
    const link = await lo1State(host, step.plan.network.vip);
    if (link !== 'absent' && facts.ours) {
      // networkd keeps a netdev whose file is gone; NetworkManager removes its own device.
      await host.run(
        networkd
          ? ['networkctl', 'delete', lo1Interface]
          : ['ip', 'link', 'delete', 'dev', lo1Interface],
        {sudo: true, mutates: true},
      );
    } else if (link === 'with-vip') {
      await host.run(['ip', 'addr', 'del', vip, 'dev', lo1Interface], {sudo: true, mutates: true});
    }
    return facts.ours ? 'lo1 removed' : `${vip} removed from lo1`;
  },
  async verify(step) {
    const facts = await inspect(step, changes);
    if (!undone(facts))
      throw new StepError({
        message: `lo1 or ${vipRoute(step.plan.network.vip)} is still on ${step.node.name}`,
        command: `ip -j addr show dev ${lo1Interface}`,
        stderrTail: [],
        suggestion: 'Check networkctl status lo1, or nmcli connection show lo1, there.',
      });
  },
});
