// Waiting for a kube-apiserver's /readyz: 200 with the body `ok` (curl exits 0
// on a 500 too, so the body decides; the health gate does the same).
import type {HostCommands} from '../../host-commands.js';
import {StepError} from '../../step-error.js';
import type {RunContext} from '../phase.js';

export const localReadyz = 'https://127.0.0.1:6443/readyz';

export const readyzArgv = (url: string): string[] => ['curl', '-sk', '--max-time', '2', url];

export const isReady = async (host: HostCommands, url = localReadyz): Promise<boolean> => {
  const result = await host.run(readyzArgv(url), {allowFailure: true});
  return result.code === 0 && result.stdout.trim() === 'ok';
};

/** Polls with backoff until ready; a StepError after `timeoutMs`. */
export const waitReady = async (
  context: RunContext,
  host: HostCommands,
  url = localReadyz,
  timeoutMs = 5 * 60_000,
): Promise<void> => {
  const deadline = context.now() + timeoutMs;
  for (let wait = 1000; ; wait = Math.min(wait * 2, 5000)) {
    if (await isReady(host, url)) return;
    if (context.now() >= deadline) {
      throw new StepError({
        message: `${url} on ${host.name} did not answer ok within ${Math.round(timeoutMs / 1000)} s`,
        command: `curl -sk --max-time 2 ${url}`,
        stderrTail: [],
        suggestion:
          'Look at the control-plane containers (sudo crictl ps -a) and the kubelet (journalctl -u kubelet); a SystemdCgroup mismatch makes them restart in a loop.',
      });
    }
    await context.sleep(wait);
  }
};
