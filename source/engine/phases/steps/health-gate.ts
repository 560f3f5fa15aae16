// Install, start and verify the health gate on a control plane (see
// core/artifacts/health-gate.ts for why it exists).
import {
  healthGateEnv,
  healthGatePaths,
  healthGateScript,
  healthGateUnit,
  healthGateUnitName,
} from '../../../core/artifacts/health-gate.js';
import {StepError} from '../../step-error.js';
import type {StepContext} from '../phase.js';
import {writeRecorded} from './recorded.js';

const files = (step: StepContext) => [
  {path: healthGatePaths.script, content: healthGateScript(), mode: 0o755},
  {path: healthGatePaths.env, content: healthGateEnv(step.plan.network.vip), mode: 0o644},
  {path: healthGatePaths.unit, content: healthGateUnit(), mode: 0o644},
];

const isActive = async (step: StepContext): Promise<boolean> =>
  (
    await step.host.run(['systemctl', 'is-active', healthGateUnitName], {allowFailure: true})
  ).stdout.trim() === 'active';

export const healthGateInSync = async (step: StepContext): Promise<boolean> => {
  for (const file of files(step)) {
    if ((await step.host.read(file.path, {sudo: true})) !== file.content) return false;
  }
  return isActive(step);
};

export const ensureHealthGate = async (step: StepContext): Promise<void> => {
  let changed = false;
  for (const file of files(step)) {
    if (await writeRecorded(step, file.path, file.content, {sudo: true, mode: file.mode}))
      changed = true;
  }
  if (changed) await step.host.run(['systemctl', 'daemon-reload'], {sudo: true, mutates: true});
  const active = await isActive(step);
  if (!active) {
    await step.host.run(['systemctl', 'enable', '--now', healthGateUnitName], {
      sudo: true,
      mutates: true,
    });
  } else if (changed) {
    await step.host.run(['systemctl', 'restart', healthGateUnitName], {sudo: true, mutates: true});
  }
  if (!(await isActive(step))) {
    throw new StepError({
      message: `${healthGateUnitName} is not active on ${step.node.name}`,
      command: `systemctl is-active ${healthGateUnitName}`,
      stderrTail: [],
      suggestion: `journalctl -u ${healthGateUnitName} says why.`,
    });
  }
};
