// Colour outside Ink (issue 12): on a terminal the lines are coloured, and
// NO_COLOR, FORCE_COLOR=0, a pipe or --json turn it off; the words are the
// same either way.
import {afterEach, describe, expect, test} from 'vitest';
import {plainStyle} from '../../source/core/style.js';
import {questionTheme, styleFor, wantsColour} from '../../source/commands/colour.js';
import {planText} from '../../source/commands/plan-output.js';
import {formatEvent} from '../../source/engine/reporters/line.js';
import {resultLines, summaryLine} from '../../source/commands/doctor-output.js';
import {runCli} from '../support/cli.js';
import {closeTerminals, openTerminal} from '../support/pty.js';
import {demoPlan} from '../support/demo-plan.js';

afterEach(() => closeTerminals());

// eslint-disable-next-line no-control-regex -- SGR sequences are what is being looked for
const sgr = /\u001b\[[0-9;]*m/;
const green = '\u001b[32m';
const red = '\u001b[31m';
const yellow = '\u001b[33m';
const bold = '\u001b[1m';
const dim = '\u001b[2m';

const planArgs = [
  'plan',
  '--demo',
  '--control-plane',
  'rpi4-a,rpi4-b',
  '--worker',
  'nuc,cloud-arm',
];
const env = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};

/** Everything `args` prints in a real 80×24 terminal, once it has exited. */
const inTerminal = async (args: readonly string[], extra: Record<string, string> = {}) => {
  const terminal = openTerminal(args, {env: {...env, ...extra}});
  await terminal.exit;
  return terminal.output().replace(/\r\n/g, '\n');
};

describe('ha-wizard plan, with and without a terminal', () => {
  test('on a terminal: names bold, ✗ red, warnings yellow, details dim; in a pipe the same words, plain', async () => {
    const coloured = await inTerminal(planArgs);
    expect(coloured).toContain(`Cluster ${bold}homelab`);
    expect(coloured).toContain(`${red}✗ error  `);
    expect(coloured).toContain(`${yellow}! warning`);
    expect(coloured).toContain(`${dim}100.101.7.11`);
    expect(coloured).toContain(`${red}1 error, `);

    const piped = runCli(planArgs, {...env, NO_COLOR: ''});
    expect(piped.code).toBe(2);
    expect(piped.stdout).not.toMatch(sgr);
    // The same text, colour aside.
    expect(coloured.replace(new RegExp(sgr.source, 'g'), '').trim()).toBe(piped.stdout.trim());
  });

  test('a plan without errors ends in green', async () => {
    const args = ['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--worker', 'nuc'];
    expect(await inTerminal(args)).toContain(`${green}No errors`);
  });

  test.each([
    ['NO_COLOR=1', {NO_COLOR: '1'}],
    ['FORCE_COLOR=0', {FORCE_COLOR: '0'}],
  ])('%s on a terminal: no colour', async (_name, extra) => {
    const output = await inTerminal(planArgs, extra);
    expect(output).toContain('Cluster homelab');
    expect(output).not.toMatch(sgr);
  });

  test('--json on a terminal: no colour', async () => {
    const output = await inTerminal([...planArgs, '--json']);
    expect(output).toContain('"findings"');
    expect(output).not.toMatch(sgr);
    expect(() => JSON.parse(output) as unknown).not.toThrow();
  });
});

describe('what decides', () => {
  test('a terminal without NO_COLOR or FORCE_COLOR=0 gets colour; nothing else does', () => {
    expect(wantsColour({isTTY: true}, {})).toBe(true);
    expect(wantsColour({isTTY: true}, {NO_COLOR: ''})).toBe(true); // set but empty: no-color.org
    expect(wantsColour({isTTY: true}, {NO_COLOR: '1'})).toBe(false);
    expect(wantsColour({isTTY: true}, {FORCE_COLOR: '0'})).toBe(false);
    expect(wantsColour({isTTY: true}, {TERM: 'dumb'})).toBe(false);
    expect(wantsColour({isTTY: false}, {FORCE_COLOR: '1'})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });
});

describe('apply and reset lines, doctor results: coloured by the style they are given', () => {
  const style = styleFor({isTTY: true}, {});
  const done = {
    type: 'host-step-finished',
    at: 1,
    phase: 'containerd',
    host: 'nuc',
    status: 'done',
    changed: true,
  } as const;
  const failed = {
    ...done,
    status: 'failed',
    failure: {message: 'containerd did not restart', stderrTail: ['boom'], command: 'systemctl'},
  } as const;

  test('the line reporter: host bold, done green, FAILED red, details dim; plain without colour', () => {
    expect(formatEvent(done, {style})).toEqual([
      `${bold}nuc\u001b[22m: containerd: ${green}done\u001b[39m`,
    ]);
    const lines = formatEvent(failed, {style});
    expect(lines[0]).toContain(`${red}FAILED: containerd did not restart`);
    expect(lines.slice(1).every((line) => line.includes(dim))).toBe(true);
    expect(formatEvent(failed, {style: plainStyle})).toEqual([
      'nuc: containerd: FAILED: containerd did not restart',
      'nuc:   command: systemctl',
      'nuc:   | boom',
    ]);
    const warning = formatEvent(
      {type: 'notice', at: 1, level: 'warning', message: 'relayed'},
      {style},
    );
    expect(warning[0]).toContain(`${yellow}warning: relayed`);
  });

  test("doctor: ✓ green, ✗ red, the check's name and host bold, what it looked at dim", () => {
    const pass = {
      id: 'swap',
      host: 'w1',
      status: 'pass',
      evidence: 'no swap',
      explanation: '',
    } as const;
    const fail = {
      ...pass,
      status: 'fail',
      evidence: '/swap.img',
      explanation: 'Swap is on.',
    } as const;
    expect(resultLines(pass, false, style)[0]).toBe(
      `${green}✓\u001b[39m ${bold}swap\u001b[22m on ${bold}w1\u001b[22m: ${dim}no swap\u001b[22m`,
    );
    const lines = resultLines(fail, false, style);
    expect(lines[0]).toContain(`${red}✗`);
    expect(lines[1]).toBe(`${dim}    looked at: /swap.img\u001b[22m`);
    expect(summaryLine([pass, fail], style)).toBe(
      `${green}1 passed\u001b[39m, ${red}1 failed\u001b[39m, 0 could not be checked.`,
    );
    expect(resultLines(fail).join('\n')).not.toMatch(sgr);
  });

  test('plan text through the same style', () => {
    const plan = demoPlan(new Date('2026-11-24T00:00:00Z'));
    expect(planText(plan, [], style)[0]).toContain(`${bold}${plan.clusterName}`);
    expect(planText(plan, []).join('\n')).not.toMatch(sgr);
  });

  test("a question's summary line (inquirer's theme) follows the same style", () => {
    const coloured = questionTheme(style);
    expect(coloured.prefix.done).toBe(`${green}✓\u001b[39m`);
    expect(coloured.style.answer('yes')).toBe(`${bold}yes\u001b[22m`);
    const plain = questionTheme(plainStyle);
    expect([plain.prefix.idle, plain.prefix.done, plain.style.answer('yes')]).toEqual([
      '?',
      '✓',
      'yes',
    ]);
  });
});
