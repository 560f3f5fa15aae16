import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {goldenCases, planFor} from '../core/artifacts-plans.js';

const now = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};
const temp = () => mkdtempSync(join(tmpdir(), 'ha-wizard-apply-'));
const withPlan = (content: string) => {
  const dir = temp();
  writeFileSync(join(dir, 'plan.json'), content);
  return dir;
};

describe('ha-wizard apply', () => {
  it('names a missing plan in one sentence and says how to write one: exit 1', () => {
    const dir = join(temp(), 'nowhere');
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `ha-wizard: There is no plan at ${join(dir, 'plan.json')}.\nWrite one with: ha-wizard plan … --out ${dir}\n`,
    );
  });

  it('refuses malformed JSON: exit 1', () => {
    const dir = withPlan('{"schemaVersion": 1,');
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      `ha-wizard: ${join(dir, 'plan.json')} is not valid JSON.`,
    );
  });

  it('refuses JSON that is not a plan, naming where: exit 1', () => {
    const plan = {...goldenCases['A']!, nodes: [{name: 'x'}]};
    const dir = withPlan(JSON.stringify(plan));
    const result = runCli(['apply', dir], now);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not a plan ha-wizard can run: .* at nodes\.0\.id\./);
  });

  it('re-validates the plan and runs nothing when it has errors: exit 2', () => {
    const plan = planFor('1.36', [], ['nuc']); // no control plane
    const dir = withPlan(JSON.stringify(plan));
    mkdirSync(join(dir, 'state'));
    const result = runCli(['apply', dir], {...now, XDG_STATE_HOME: join(dir, 'state')});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: ');
    expect(result.stderr).toContain('Nothing was run');
  });

  it('refuses a plan made on the demo tailnet, whose hosts are made up: exit 1, nothing contacted', () => {
    const out = join(temp(), 'demo');
    expect(
      runCli(['plan', '--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--out', out], now).code,
    ).toBe(0);
    const result = runCli(['apply', out, '--yes'], {...now, XDG_STATE_HOME: join(out, 'state')});
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `ha-wizard: The plan in ${out} was made on the demo tailnet, whose hosts are made up, so there is nothing to run it on.\nPlan against your own tailnet: ha-wizard plan --control-plane … --out DIR (without --demo).\n`,
    );
  });

  it('documents its flags and exit codes', () => {
    const result = runCli(['apply', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--yes',
      '--known-hosts',
      '--accept-new-host-keys',
      '--identity',
      '--ssh-user',
      '--json',
    ])
      expect(result.stdout).toContain(flag);
    for (const flag of ['--resume', '--start-over', '--status-file'])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toMatch(/130 stopped with\s+Ctrl-C \(continue with --resume\)/);
  });
});

describe('ha-wizard apply: an unfinished run of the same cluster', () => {
  // A plan on made-up but non-demo node IDs: nothing here gets as far as contacting a host.
  const realPlan = () => {
    const plan = planFor('1.36', ['rpi4-a', 'rpi4-b', 'opi5'], ['nuc']);
    return {...plan, nodes: plan.nodes.map((node, index) => ({...node, id: `nTEST${index}CNTRL`}))};
  };
  /** A plan folder and a state dir holding a run that failed at containerd, written by the engine's own recorder. */
  const unfinished = async () => {
    const dir = withPlan(JSON.stringify(realPlan()));
    const state = join(dir, 'state');
    const {recordRun} = await import('../../source/engine/run-store.js');
    const plan = realPlan();
    const hosts = plan.nodes.map((node) => node.name);
    let clock = Date.parse('2026-11-23T10:00:00Z');
    const recorder = await recordRun(join(state, 'ha-wizard'), plan as never, {
      planDir: dir,
      now: () => new Date((clock += 1000)),
    });
    const phases = [
      {id: 'preflight', title: 'Preflight', hosts, mode: 'parallel' as const},
      {id: 'containerd', title: 'Containerd runtime', hosts, mode: 'parallel' as const},
    ];
    recorder.event({type: 'run-started', at: 0, phases, hosts: []});
    for (const host of hosts)
      recorder.event({
        type: 'host-step-finished',
        at: 0,
        phase: 'preflight',
        host,
        status: 'done',
        changed: false,
      });
    recorder.event({
      type: 'host-step-finished',
      at: 0,
      phase: 'containerd',
      host: 'nuc',
      status: 'failed',
      changed: false,
      failure: {message: 'boom', stderrTail: []},
    });
    return {dir, state, file: recorder.path};
  };

  it('without a terminal and without a choice: says what happened and how to choose, exit 1', async () => {
    const {dir, state, file} = await unfinished();
    const before = readFileSync(file, 'utf8');
    const result = runCli(['apply', dir, '--yes'], {...now, XDG_STATE_HOME: state});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `ha-wizard: The run of cluster homelab started 2026-11-23 10:00 UTC was interrupted at Containerd runtime (last step 2026-11-23 10:00 UTC).\nRun ha-wizard apply ${dir} --resume to go on from there, or --start-over to undo it on every host and begin again.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('--resume with --start-over is a contradiction: exit 1', async () => {
    const {dir, state} = await unfinished();
    const result = runCli(['apply', dir, '--resume', '--start-over'], {
      ...now,
      XDG_STATE_HOME: state,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--resume and --start-over contradict each other.');
  });

  it('a second wizard on the same cluster is refused while the first one lives', async () => {
    const {dir, state, file} = await unfinished();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(
        file.replace(/\.json$/, '.lock'),
        JSON.stringify({pid: holder.pid, host: hostname(), since: '2026-11-24T09:30:00.000Z'}),
      );
      const result = runCli(['apply', dir, '--resume'], {...now, XDG_STATE_HOME: state});
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `ha-wizard: Another ha-wizard (process ${holder.pid}, since 2026-11-24 09:30:00 UTC) is running cluster homelab\nWait for it to finish, or stop it with Ctrl-C in its terminal, then run this again.\n`,
      );
    } finally {
      holder.kill();
    }
  });

  it('a lock left by a dead wizard (kill -9) does not block: the run goes on to the choice', async () => {
    const {dir, state, file} = await unfinished();
    const dead = spawnSync('true').pid;
    writeFileSync(
      file.replace(/\.json$/, '.lock'),
      JSON.stringify({pid: dead, host: hostname(), since: '2026-11-24T09:30:00.000Z'}),
    );
    const result = runCli(['apply', dir, '--yes'], {...now, XDG_STATE_HOME: state});
    expect(result.stderr).toContain('was interrupted at Containerd runtime');
    expect(existsSync(file.replace(/\.json$/, '.lock'))).toBe(false);
  });

  it('a state written by a newer wizard, or a damaged one, is named and kept', async () => {
    const {dir, state, file} = await unfinished();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({...saved, schemaVersion: 9}));
    const newer = runCli(['apply', dir, '--resume'], {...now, XDG_STATE_HOME: state});
    expect(newer.code).toBe(1);
    expect(newer.stderr).toContain(
      `The saved run ${file} was written by a newer ha-wizard (state version 9, this one reads 1)`,
    );
    writeFileSync(file, '{"schemaVersion": 1, "plan": ');
    const damaged = runCli(['apply', dir, '--resume'], {...now, XDG_STATE_HOME: state});
    expect(damaged.code).toBe(1);
    expect(damaged.stderr.split('\n')[0]).toMatch(
      new RegExp(`^ha-wizard: The saved run ${file} cannot be read \\(`),
    );
    expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion": 1, "plan": ');
  });
});
