// `ha-wizard plan` for a lab's hosts, as the bench's lab runs write it: every
// control plane and worker the lab brought up, its SSH user and key.
import type {LabState} from '../test/lab/lab.js';

export const labPlanArgs = (state: LabState, planDir: string): string[] => {
  const names = (workers: boolean) =>
    state.hosts
      .filter((host) => (host.role === 'worker') === workers)
      .map((host) => host.name)
      .join(',');
  return [
    'plan',
    '--status-file',
    state.statusFile,
    '--control-plane',
    names(false),
    '--worker',
    names(true),
    '--ssh-user',
    state.sshUser,
    '--identity',
    state.identityFile,
    '--out',
    planDir,
  ];
};
