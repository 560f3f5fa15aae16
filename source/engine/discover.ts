import {readFile} from 'node:fs/promises';
import {InputError} from '../core/errors.js';
import {demoTailnet} from '../core/tailnet/demo.js';
import {readGoodStatus} from '../core/tailnet/read-status.js';
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

// zod (parse-status.ts) is loaded only for a status the plain reader declines,
// to say what is wrong with it: a good one is read before the first frame without it.
const parse = async (input: Uint8Array, source: string): Promise<Tailnet> =>
  readGoodStatus(input, source) ??
  (await import('../core/tailnet/parse-status.js')).parseStatus(input, source);

/** The tailnet from --demo, --status-file, or `tailscale status --json` on this machine. */
export const discover = async ({statusFile, demo, now}: DiscoverOptions): Promise<Tailnet> => {
  if (demo) return demoTailnet(now);
  if (statusFile !== undefined) return parse(await readStatusFile(statusFile), statusFile);
  return parse(await readLocalStatus(), 'tailscale status');
};
