import {controlPlanes} from '../plan/build.js';
import {tolerableFailures} from '../plan/quorum.js';
import {error, warning, type Rule} from './rule.js';

/** etcd quorum (DOMAIN.md "Target topology", seed 002's table). */
export const controlPlaneCount: Rule = ({plan}) => {
  const cps = controlPlanes(plan);
  const count = cps.length;
  if (count === 0) {
    return [
      error(
        'no-control-plane',
        'The plan has no control plane; make at least one node (ideally three) a control plane.',
        'roles',
      ),
    ];
  }
  if (count === 1) {
    return [
      warning(
        'single-control-plane',
        `${cps[0]?.name} is the only control plane, so the cluster is not highly available; make two more nodes control planes to tolerate one failure.`,
        'roles',
      ),
    ];
  }
  if (count % 2 === 0) {
    const demote = cps.at(-1)?.name ?? '';
    const failures = tolerableFailures(count);
    const message = `${count} control planes tolerate ${failures} failure${failures === 1 ? '' : 's'}, the same as ${count - 1}, yet add one more etcd member that can fail; make ${demote} a worker, or add a control plane.`;
    return plan.allowEvenControlPlanes
      ? [warning('even-control-planes', message, 'roles')]
      : [error('even-control-planes', message, 'roles')];
  }
  return [];
};
