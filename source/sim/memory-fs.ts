// A host's files in memory, for the in-process demo: the SimFs the model
// writes through, plus the file modes an SSH user's reads and writes are
// checked against (admin.conf is 0600 root's, as kubeadm writes it).
import type {SimFs} from './env.js';

export interface MemoryFs extends SimFs {
  /** The file's mode, or undefined when it does not exist. */
  mode(path: string): number | undefined;
}

export const memoryFs = (seed: Readonly<Record<string, string>> = {}): MemoryFs => {
  const files = new Map<string, {readonly text: string; readonly mode: number}>();
  for (const [path, text] of Object.entries(seed)) files.set(path, {text, mode: 0o644});
  const under = (dir: string) => (dir.endsWith('/') ? dir : `${dir}/`);
  return {
    read: (path) => files.get(path)?.text,
    write: (path, text, mode = 0o644) => {
      files.set(path, {text, mode});
    },
    // As `rm -rf`: a directory goes with everything under it.
    remove: (path) => {
      for (const key of [...files.keys()])
        if (key === path || key.startsWith(under(path))) files.delete(key);
    },
    list: (dir) => {
      const prefix = under(dir);
      const names = new Set<string>();
      for (const key of files.keys())
        if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0] ?? '');
      return [...names].filter((name) => name !== '').sort();
    },
    mode: (path) => files.get(path)?.mode,
  };
};
