// Reading and putting back the files the wizard wrote: which exist, their
// backups, and the undo fileUndo (core/reset/undo.ts) decided. Paths reach
// the constant scripts as positional parameters, never pasted in.
import {
  backupsOldestFirst,
  fileRecord,
  fileUndo,
  type FileFacts,
  type FileUndo,
} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import type {HostCommands} from '../host-commands.js';

const existingScript =
  'for f in "$@"; do if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\\n" "$f"; fi; done';

/** Which of `paths` exist on the host (as root: some are root's only). */
export const existingPaths = async (
  host: HostCommands,
  paths: readonly string[],
): Promise<Set<string>> => {
  const result = await host.run(['sh', '-c', existingScript, 'sh', ...paths], {
    sudo: true,
    quiet: true,
  });
  return new Set(result.stdout.split('\n').filter((line) => line !== ''));
};

const backupsScript =
  'for f in "$1".ha-wizard.*.bak; do if [ -e "$f" ]; then printf "%s\\n" "$f"; fi; done';

export const listBackups = async (host: HostCommands, path: string): Promise<string[]> => {
  const result = await host.run(['sh', '-c', backupsScript, 'sh', path], {
    sudo: true,
    quiet: true,
  });
  return backupsOldestFirst(path, result.stdout.split('\n'));
};

export const inspectFile = async (
  host: HostCommands,
  path: string,
  changes: readonly RecordedChange[] | undefined,
  owned: boolean,
): Promise<FileFacts> => {
  const [exists, backups] = await Promise.all([
    existingPaths(host, [path]),
    listBackups(host, path),
  ]);
  return {
    path,
    exists: exists.has(path),
    backups,
    record: fileRecord(changes, host.name, path),
    owned,
  };
};

/** Undoes one file as decided; true when something changed. */
export const undoFile = async (host: HostCommands, undo: FileUndo): Promise<boolean> => {
  switch (undo.action) {
    case 'none':
      return false;
    case 'remove':
      await host.run(['rm', '-f', '--', ...undo.paths], {sudo: true, mutates: true});
      return true;
    case 'restore': {
      // The backup keeps the original's mode and owner (cp -p); mv is a rename: atomic.
      await host.run(['mv', '-f', '--', undo.from, undo.path], {sudo: true, mutates: true});
      if (undo.remove.length > 0)
        await host.run(['rm', '-f', '--', ...undo.remove], {sudo: true, mutates: true});
      return true;
    }
  }
};

export const fileUndoOf = async (
  host: HostCommands,
  path: string,
  changes: readonly RecordedChange[] | undefined,
  owned: boolean,
): Promise<FileUndo> => fileUndo(await inspectFile(host, path, changes, owned));
