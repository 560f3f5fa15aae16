// How doctor's results read: one JSON report for scripts, plain lines for people.
import type {CheckResult} from '../core/doctor/check.js';
import type {Diagnosis} from '../engine/doctor/session.js';
import {overallStatus} from '../core/doctor/index.js';
import {plainStyle, type Style} from '../core/style.js';

/** 1 when doctor could not look somewhere, 2 when a check failed, 0 when all passed. */
export const doctorExitCode = (diagnosis: Diagnosis): number => {
  if (diagnosis.evidence.hosts.some((host) => host.unreachable !== undefined)) return 1;
  const status = overallStatus(diagnosis.results);
  return status === 'fail' ? 2 : status === 'unknown' ? 1 : 0;
};

const jsonCheck = (result: CheckResult) => ({
  id: result.id,
  host: result.host,
  status: result.status,
  evidence: result.evidence,
  explanation: result.explanation,
  fix: result.fix
    ? {
        summary: result.fix.summary,
        commands: result.fix.commands,
        // Whether `ha-wizard doctor` (interactive) can apply it after a yes.
        automatic: result.fix.actions.length > 0,
      }
    : null,
});

export const doctorJson = (diagnosis: Diagnosis): string =>
  JSON.stringify(
    {
      ok: overallStatus(diagnosis.results) === 'pass',
      vip: diagnosis.evidence.vip,
      unreachable: diagnosis.evidence.hosts
        .filter((host) => host.unreachable !== undefined)
        .map((host) => ({host: host.host, reason: host.unreachable})),
      checks: diagnosis.results.map(jsonCheck),
    },
    null,
    2,
  );

const mark = {pass: '✓', fail: '✗', unknown: '?'} as const;

const tone = {pass: 'ok', fail: 'error', unknown: 'warning'} as const;

/** A passed check in one line; anything else with its evidence, meaning and fix. */
export const resultLines = (
  result: CheckResult,
  recheck = false,
  style: Style = plainStyle,
): string[] => {
  const head = `${style[tone[result.status]](mark[result.status])} ${style.bold(result.id)} on ${style.bold(result.host)}${recheck ? ' (checked again)' : ''}`;
  if (result.status === 'pass') return [`${head}: ${style.dim(result.evidence)}`];
  return [
    head,
    style.dim(`    looked at: ${result.evidence}`),
    `    means:     ${result.explanation}`,
    ...(result.fix
      ? [
          `    fix:       ${style.warning(result.fix.summary)}`,
          ...result.fix.commands.flatMap((command) =>
            command.split('\n').map((line) => `        ${line}`),
          ),
        ]
      : []),
  ];
};

export const summaryLine = (results: readonly CheckResult[], style: Style = plainStyle): string => {
  const count = (status: CheckResult['status']) =>
    results.filter((result) => result.status === status).length;
  // A count is coloured only when it is not zero: "0 failed" is no alarm.
  const part = (status: CheckResult['status'], text: string) =>
    count(status) > 0 ? style[tone[status]](text) : text;
  return `${part('pass', `${count('pass')} passed`)}, ${part('fail', `${count('fail')} failed`)}, ${part('unknown', `${count('unknown')} could not be checked`)}.`;
};
