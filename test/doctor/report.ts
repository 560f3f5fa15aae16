// `ha-wizard doctor --json` as the lab tests read it: the report's shape, the
// built CLI run on a lab cluster's plan, and the failing checks as id@host.
import {expect} from 'vitest';
import {cli, runProcess} from '../lab/lab-cluster.js';

export interface Report {
  ok: boolean;
  checks: Array<{
    id: string;
    host: string;
    status: 'pass' | 'fail' | 'unknown';
    evidence: string;
    explanation: string;
    fix: {summary: string; commands: string[]; automatic: boolean} | null;
  }>;
}

/** `doctor --plan DIR` with the lab's known hosts and a short restart sample. */
export const doctorArgs = (planDir: string, knownHostsFile: string): string[] => [
  'doctor',
  '--plan',
  planDir,
  '--known-hosts',
  knownHostsFile,
  '--sample-seconds',
  '4',
];

/** `doctor --json`: nothing on stderr, the exit code and the report. */
export const runDoctorJson = async (args: readonly string[], env: NodeJS.ProcessEnv) => {
  const run = await runProcess(['node', cli, ...args, '--json'], env, 120_000);
  expect(run.stderr).toBe('');
  return {code: run.code, report: JSON.parse(run.stdout) as Report};
};

/** The checks that did not pass, as `id@host`, sorted. */
export const failing = (report: Report): string[] =>
  report.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id}@${c.host}`)
    .sort();

export const check = (report: Report, id: string, host: string) =>
  report.checks.find((c) => c.id === id && c.host === host);
