// The guided flow's engine, with no terminal in it: diagnose, then for each
// finding in order show it, offer its fix, apply it after a yes, and check
// again. The command (source/commands/doctor.ts) answers the questions with
// @inquirer/prompts; a test answers them with a function.
import type {CheckResult} from '../../core/doctor/check.js';
import type {ClusterEvidence} from '../../core/doctor/evidence.js';
import {diagnose} from '../../core/doctor/index.js';
import type {Plan} from '../../core/plan/types.js';
import {collectEvidence, type CollectOptions} from './collect.js';
import {applyFix} from './fix.js';

export interface Diagnosis {
  readonly evidence: ClusterEvidence;
  readonly results: readonly CheckResult[];
}

export const runDiagnosis = async (plan: Plan, options: CollectOptions): Promise<Diagnosis> => {
  const evidence = await collectEvidence(plan, options);
  return {evidence, results: diagnose(evidence)};
};

export interface SessionIo {
  /** A check's result; `recheck` when it is the check run again after its fix. */
  readonly show: (result: CheckResult, recheck: boolean) => void;
  /** Asked only for a failed check whose fix doctor can apply. */
  readonly confirmFix: (result: CheckResult) => Promise<boolean>;
  readonly applying: (result: CheckResult) => void;
  readonly fixFailed: (result: CheckResult, message: string) => void;
  /** Before each round of looking at the hosts. */
  readonly looking: (again: boolean) => void;
}

export interface SessionOptions extends CollectOptions {
  /** Pause after a fix before looking again, so restarted services settle. */
  readonly settleMs?: number;
}

// A check may give one host several results (relayed-path: one per other
// control plane), so a result is its check, its host and its place among those.
const keyed = (results: readonly CheckResult[]): Map<string, CheckResult> => {
  const seen = new Map<string, number>();
  return new Map(
    results.map((result) => {
      const base = `${result.id}\u0000${result.host}`;
      const nth = seen.get(base) ?? 0;
      seen.set(base, nth + 1);
      return [`${base}\u0000${nth}`, result];
    }),
  );
};

/** The whole guided flow; resolves with the final result of every check. */
export const runDoctorSession = async (
  plan: Plan,
  options: SessionOptions,
  io: SessionIo,
): Promise<Diagnosis> => {
  io.looking(false);
  let diagnosis = await runDiagnosis(plan, options);
  // The order of the first look; after a fix, later checks are read from the new look.
  let byKey = keyed(diagnosis.results);
  const order = [...byKey.keys()];
  for (const wanted of order) {
    const current = byKey.get(wanted);
    if (current === undefined) continue;
    io.show(current, false);
    if (current.status !== 'fail' || !current.fix || current.fix.actions.length === 0) continue;
    if (!(await io.confirmFix(current))) continue;
    const node = plan.nodes.find((candidate) => candidate.name === current.host);
    if (!node) continue;
    io.applying(current);
    try {
      await applyFix(options.hostFor(node), current.fix);
    } catch (error) {
      io.fixFailed(current, error instanceof Error ? error.message : String(error));
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 3000));
    io.looking(true);
    diagnosis = await runDiagnosis(plan, options);
    byKey = keyed(diagnosis.results);
    const again = byKey.get(wanted);
    if (again) io.show(again, true);
  }
  return diagnosis;
};
