// Applying a check's fix on its host, after the person said yes. Every action
// is an argv run as root or a file replaced with a backup (Safety rules).
import {setSystemdCgroup} from '../../core/containerd/systemd-cgroup.js';
import type {Fix} from '../../core/doctor/check.js';
import {InputError} from '../../core/errors.js';
import {quoteCommand} from '../../core/remote/quote.js';
import {withCommandPaths} from '../host/command-paths.js';
import type {Host} from '../host/host.js';
import {containerdConfigPath} from '../phases/containerd.js';

const fileOptions = {sudo: true, backup: true, mode: 0o644} as const;

/** Runs every action in order; stops at the first that fails with an InputError naming it. */
export const applyFix = async (target: Host, fix: Fix): Promise<void> => {
  const host = await withCommandPaths(target, [
    'containerd',
    ...fix.actions.flatMap((action) => (action.kind === 'run' ? (action.argv[0] ?? []) : [])),
  ]);
  for (const action of fix.actions) {
    if (action.kind === 'run') {
      const result = await host.exec(action.argv, {sudo: true, timeoutMs: 120_000});
      if (result.code !== 0)
        throw new InputError(
          `sudo ${quoteCommand(action.argv)} failed on ${host.name} (exit ${result.code ?? 'signal'}): ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}`,
        );
    } else if (action.kind === 'write') {
      await host.writeFile(action.path, action.content, fileOptions);
    } else {
      const text = await host.readFile(containerdConfigPath, {sudo: true});
      const config =
        text ?? (await host.exec(['containerd', 'config', 'default'], {sudo: true})).stdout;
      const edit = setSystemdCgroup(config);
      if (edit.changed || text === undefined)
        await host.writeFile(containerdConfigPath, edit.text, fileOptions);
    }
  }
};
