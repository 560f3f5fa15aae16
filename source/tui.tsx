// Terminal plumbing for the full-screen wizard lives here, outside React: the
// alternate screen, restoring the terminal on every way out, and the non-TTY refusal.
import {render} from 'ink';
import {generateArtifacts} from './core/artifacts/index.js';
import {InputError} from './core/errors.js';
import type {Plan} from './core/plan/types.js';
import {demoTailnet} from './core/tailnet/demo.js';
import {discover} from './engine/discover.js';
import {writeFolder} from './engine/write-folder.js';
import {App, type AppProps} from '../screens/app.js';

export interface TuiOptions {
  readonly statusFile: string | undefined;
  readonly demo: boolean;
  readonly now: Date;
  readonly initial: NonNullable<AppProps['initial']>;
}

const enterAlternateScreen = '\u001b[?1049h\u001b[H';
const leaveAlternateScreen = '\u001b[?1049l';
const showCursor = '\u001b[?25h';

export const runTui = async ({statusFile, demo, now, initial}: TuiOptions): Promise<number> => {
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

  let written: string | undefined;
  const writeArtifacts = async (dir: string, plan: Plan): Promise<string> => {
    const artifacts = generateArtifacts(plan);
    await writeFolder(dir, [
      {path: 'plan.json', content: `${JSON.stringify(plan, null, 2)}\n`},
      ...artifacts,
    ]);
    written = dir;
    return `Wrote plan.json and ${artifacts.length} generated files to ${dir}`;
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
      writeArtifacts={writeArtifacts}
    />,
    {exitOnCtrlC: true, patchConsole: true},
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
  if (written)
    process.stdout.write(
      `Plan written to ${written}. Next: review the files there; running the plan on hosts arrives in a later release.\n`,
    );
  return 0;
};
