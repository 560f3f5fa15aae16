import {mkdir, mkdtemp, rename, rm, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {InputError} from '../core/errors.js';

export interface FileToWrite {
  readonly path: string;
  readonly content: string;
}

const describe = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way';
  if (code === 'EROFS') return 'the file system is read-only';
  return code ?? (error instanceof Error ? error.message : String(error));
};

const isDirectory = async (path: string): Promise<boolean | undefined> => {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
};

/**
 * Writes every file into `folder` so that no file is ever half-written: all of
 * them go to a staging folder beside it first; a new folder then appears in one
 * rename, and into an existing one each file is renamed over its old version.
 */
export const writeFolder = async (folder: string, files: readonly FileToWrite[]): Promise<void> => {
  const target = resolve(folder);
  const existing = await isDirectory(target);
  if (existing === false)
    throw new InputError(
      `Cannot write to ${folder}: it is a file, not a folder; choose another --out.`,
    );
  let staging: string | undefined;
  try {
    await mkdir(dirname(target), {recursive: true});
    staging = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
    for (const file of files) {
      const path = join(staging, file.path);
      await mkdir(dirname(path), {recursive: true});
      await writeFile(path, file.content, {mode: 0o644});
    }
    if (existing === undefined) {
      await rename(staging, target);
      staging = undefined;
      return;
    }
    for (const file of files) {
      await mkdir(dirname(join(target, file.path)), {recursive: true});
      await rename(join(staging, file.path), join(target, file.path));
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `Cannot write to ${folder}: ${describe(error)}; no file there was left half-written.`,
    );
  } finally {
    if (staging) await rm(staging, {recursive: true, force: true});
  }
};
