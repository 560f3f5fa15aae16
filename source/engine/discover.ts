import {readFile} from 'node:fs/promises';
import {InputError} from '../core/errors.js';
import {demoTailnet} from '../core/tailnet/demo.js';
import {parseStatus} from '../core/tailnet/parse-status.js';
import type {Tailnet} from '../core/tailnet/types.js';
import {readLocalStatus} from './local-tailscale.js';

export interface DiscoverOptions {
  readonly statusFile?: string | undefined;
  readonly demo?: boolean | undefined;
  readonly now: Date;
}

const reasons: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

const readStatusFile = async (path: string): Promise<Buffer> => {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputError(`Cannot read the status file ${path}: ${reasons[code] ?? code}.`);
  }
};

/** The tailnet from --demo, --status-file, or `tailscale status --json` on this machine. */
export const discover = async ({statusFile, demo, now}: DiscoverOptions): Promise<Tailnet> => {
  if (demo) return demoTailnet(now);
  if (statusFile !== undefined) return parseStatus(await readStatusFile(statusFile), statusFile);
  return parseStatus(await readLocalStatus(), 'tailscale status');
};
