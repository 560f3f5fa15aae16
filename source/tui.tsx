// Terminal plumbing for the full-screen wizard lives here, outside React: the
// alternate screen, restoring the terminal on every way out, and the non-TTY refusal.
import {render} from 'ink';
import {InputError} from './core/errors.js';
import type {Plan} from './core/plan/types.js';
import {demoTailnet} from './core/tailnet/demo.js';
import {discover} from './engine/discover.js';
// Light: it loads the runner, the phases and ssh2 only when a run starts.
import {startRun, type RunHandle, startOver} from './engine/start-run.js';
import {createStartDemoRun} from './engine/start-demo-run.js';
import {keyFileProblem} from './engine/control/key-file.js';
import {stateDir} from './engine/paths.js';
import {savedRunLines} from './engine/reporters/saved-run.js';
import {lockedByOther} from './engine/run-lock.js';
import {unfinishedRuns} from './engine/run-store.js';
import {App, type AppProps} from '../screens/app.js';
import {loadable} from '../screens/components/loadable.js';

export interface TuiOptions {
  readonly statusFile: string | undefined;
  readonly demo: boolean;
  /** How fast the demo run goes (start-demo-run.ts). */
  readonly demoPace: number;
  readonly now: Date;
  readonly initial: NonNullable<AppProps['initial']>;
}

const enterAlternateScreen = '\u001b[?1049h\u001b[H';
const leaveAlternateScreen = '\u001b[?1049l';
const showCursor = '\u001b[?25h';

/**
 * f after a successful run: the drill on the cluster just built, on the plain
 * terminal, asking as on the command line. It reads this machine's live
 * `tailscale status` (a --status-file is a snapshot: the holder would never
 * move in it). Ctrl-C puts the holder back first; a second one quits.
 */
const drillAfterRun = async (cluster: string, now: Date): Promise<number> => {
  const {runDrillCommand} = await import('./commands/drill.js');
  const {processStyles} = await import('./commands/colour.js');
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('ha-wizard drill: putting the holder back (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await runDrillCommand(
      {cluster},
      {
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
        now,
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        signal: controller.signal,
        style: processStyles(),
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
};

export const runTui = async ({
  statusFile,
  demo,
  demoPace,
  now,
  initial,
}: TuiOptions): Promise<number> => {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'ha-wizard: the wizard needs an interactive terminal; in scripts and pipes use `ha-wizard plan` (see `ha-wizard plan --help`).\n',
    );
    return 1;
  }
  let discovery: AppProps['discovery'];
  try {
    discovery = {kind: 'tailnet', tailnet: await discover({statusFile, demo, now})};
  } catch (error) {
    // A file the user named explicitly must be right; a missing local tailscale is where the demo helps.
    if (statusFile !== undefined || !(error instanceof InputError)) throw error;
    discovery = {kind: 'unavailable', reason: error.message};
  }

  // A run that did not finish is offered first (issue 4); one another wizard is running is not.
  const unfinished = demo
    ? []
    : unfinishedRuns(stateDir())
        .filter((saved) => !lockedByOther(stateDir(), saved.clusterName))
        .map((saved) => {
          const [headline = '', ...details] = savedRunLines(saved);
          return {clusterName: saved.clusterName, headline, details, plan: saved.plan};
        });

  let written: string | undefined;
  let doctorFor: string | undefined;
  let drillFor: string | undefined;
  // The generators and the YAML library under them are for Review and for
  // writing: the wizard loads them once the user moves past Discover.
  const generateArtifacts = loadable(
    async () => (await import('./core/artifacts/index.js')).generateArtifacts,
  );
  const writeArtifacts = async (dir: string, plan: Plan): Promise<string> => {
    const artifacts = (await generateArtifacts.load())(plan);
    const {writeFolder} = await import('./engine/write-folder.js');
    await writeFolder(dir, [
      {path: 'plan.json', content: `${JSON.stringify(plan, null, 2)}\n`},
      ...artifacts,
    ]);
    written = dir;
    return `Wrote plan.json and ${artifacts.length} generated files to ${dir}`;
  };

  // The run started from Review, if any: on the way out it is stopped safely
  // and waited for, so no host is left mid-step because the window closed.
  let run: RunHandle | undefined;
  let outcome: Awaited<RunHandle['done']> | undefined;
  const onRunStarted = (handle: RunHandle) => {
    run = handle;
    void handle.done.then((result) => {
      outcome = result;
    });
  };

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.stdout.write(leaveAlternateScreen + showCursor);
  };
  // Whatever ends the process, the user gets their terminal back.
  process.once('exit', restore);
  process.stdout.write(enterAlternateScreen);
  const instance = render(
    <App
      discovery={discovery}
      loadDemo={() => demoTailnet(now)}
      now={now}
      initial={initial}
      generateArtifacts={generateArtifacts}
      writeArtifacts={writeArtifacts}
      startRun={startRun}
      startDemoRun={createStartDemoRun({pace: demoPace})}
      onRunStarted={onRunStarted}
      unfinished={unfinished}
      startOver={startOver}
      checkApiKeyFile={keyFileProblem}
      openDoctor={(plan) => {
        doctorFor = plan.clusterName;
      }}
      openDrill={(plan) => {
        drillFor = plan.clusterName;
      }}
    />,
    // Ctrl-C is the screens' own (useKeys): during a run it first stops the
    // engine safely instead of tearing the app down mid-step.
    {exitOnCtrlC: false, patchConsole: true},
  );
  const stop = () => instance.unmount();
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
    restore();
  }
  if (run && outcome === undefined) {
    process.stdout.write('Stopping the run safely (the steps in progress finish)…\n');
    run.abort();
    outcome = await run.done;
  }
  if (doctorFor !== undefined) {
    const {runDoctor} = await import('./commands/doctor.js');
    const {processStyles} = await import('./commands/colour.js');
    return runDoctor(
      {cluster: doctorFor},
      {
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
        now,
        interactive: true,
        signal: new AbortController().signal,
        style: processStyles(),
      },
    );
  }
  if (drillFor !== undefined) return drillAfterRun(drillFor, now);
  if (outcome && run?.simulated) {
    process.stdout.write(
      `The demo run ${outcome.ok ? `built the simulated cluster ${outcome.summary.clusterName}` : 'did not finish'}: made-up hosts in memory; nothing was contacted or written.\n`,
    );
    return outcome.ok ? 0 : outcome.aborted ? 130 : 1;
  }
  if (outcome) {
    const log = outcome.summary.logPath ? ` Log: ${outcome.summary.logPath}` : '';
    process.stdout.write(
      outcome.ok
        ? `Cluster ${outcome.summary.clusterName} is up.${outcome.summary.kubeconfigContext ? ` Try: kubectl --context ${outcome.summary.kubeconfigContext} get nodes.` : ''}${log}\n`
        : `The run did not finish: ${(outcome.error ?? 'stopped').replace(/\.$/, '')}. What was done is saved: start ha-wizard again to resume it.${log}\n`,
    );
    return outcome.ok ? 0 : outcome.aborted ? 130 : 1;
  }
  if (written)
    process.stdout.write(`Plan written to ${written}. Run it with: ha-wizard apply ${written}\n`);
  return 0;
};
