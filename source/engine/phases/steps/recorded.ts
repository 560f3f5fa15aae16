// Changes a step makes, recorded with what was there before (a `host-change`
// event the saved run keeps), so `ha-wizard reset` can put it back. Every
// phase that writes a file or flips a flag goes through here.
import type {HostChange} from '../../../core/run/events.js';
import type {WriteFileOptions} from '../../host/host.js';
import type {StepContext} from '../phase.js';

export const recordChange = (step: StepContext, change: HostChange): void =>
  step.emit({type: 'host-change', phase: step.phase, host: step.node.name, change});

/**
 * Writes `path` (atomic, backed up) and records it: before the write whether
 * a file was there (`before`, when the caller has just read it), after it the
 * backup's path. True when the file changed.
 */
export const writeRecorded = async (
  step: StepContext,
  path: string,
  content: string,
  options: WriteFileOptions & {readonly before?: {readonly text: string | undefined}},
): Promise<boolean> => {
  const {before, ...writeOptions} = options;
  const existing = before
    ? before.text
    : await step.host.read(path, {sudo: writeOptions.sudo === true});
  if (existing !== content)
    recordChange(step, {
      kind: 'file',
      path,
      previous: existing === undefined ? 'absent' : 'present',
    });
  const result = await step.host.writeFile(path, content, {...writeOptions, backup: true});
  if (result.backupPath !== undefined)
    recordChange(step, {kind: 'file', path, previous: 'present', backupPath: result.backupPath});
  return result.changed;
};
