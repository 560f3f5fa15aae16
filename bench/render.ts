// Render cost (issue 5): CPU of the Run screen while 8 hosts stream 10,000
// log lines each, against folding the same events without any UI (the floor:
// what any view must pay). Ink renders to ink-testing-library's in-memory
// stdout, so the figure is the UI's own work, not a terminal's.
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {setTimeout as sleep} from 'node:timers/promises';
import {RunContainer} from '../screens/run-container.js';
import type {RunEvent} from '../source/core/run/events.js';
import {initialRunState, reduceRun} from '../source/core/run/state.js';
import {eventHub} from '../source/engine/start-run.js';
import {demoPlan} from '../test/screens/run-fixtures.js';

const hosts = Array.from({length: 8}, (_, index) => `node-${index + 1}`);
const linesPerHost = 10_000;
/** Events per burst, a burst every `pause` ms: 80,000 lines over about 3 s, so the throttle draws ~30 frames. */
const burst = 400;
const pause = 15;

const events = (): RunEvent[] => {
  const list: RunEvent[] = [
    {
      type: 'run-started',
      at: 0,
      phases: [{id: 'containerd', title: 'Containerd runtime', hosts, mode: 'parallel'}],
      hosts: hosts.map((name, index) => ({
        name,
        role: index < 3 ? 'control-plane' : 'worker',
        address: `100.64.0.${index + 1}`,
      })),
    },
    {type: 'phase-started', at: 0, phase: 'containerd'},
    ...hosts.map((host): RunEvent => ({
      type: 'host-step-started',
      at: 0,
      phase: 'containerd',
      host,
    })),
  ];
  for (let line = 1; line <= linesPerHost; line++)
    for (const host of hosts)
      list.push({
        type: 'host-output',
        at: line,
        phase: 'containerd',
        host,
        stream: 'stdout',
        line: `${host} line ${line}: some output of a plausible length for a package manager`,
      });
  for (const host of hosts)
    list.push({
      type: 'host-step-finished',
      at: linesPerHost + 1,
      phase: 'containerd',
      host,
      status: 'done',
      changed: true,
    });
  return list;
};

const cpuMs = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

export const renderBench = async () => {
  const all = events();
  // Baseline: the fold alone.
  const foldStart = process.cpuUsage();
  let folded = initialRunState();
  for (const event of all) folded = reduceRun(folded, event);
  const foldMs = cpuMs(foldStart);

  const hub = eventHub();
  const handle = {
    subscribe: hub.subscribe,
    answer: () => {},
    abort: () => {},
    done: new Promise<never>(() => {}),
  };
  const instance = render(
    createElement(RunContainer, {
      size: {columns: 100, rows: 30},
      plan: demoPlan,
      handle,
      isActive: true,
      tickInterval: 0,
      onBack: () => {},
      onQuit: () => {},
    }),
  );
  const uiStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let index = 0; index < all.length; index += burst) {
    for (const event of all.slice(index, index + burst)) hub.emit(event);
    await sleep(pause);
  }
  // The last lines must reach the screen: wait for the throttled render to publish them.
  const last = `${hosts.at(-1)} line ${linesPerHost}:`;
  for (let wait = 0; wait < 100 && !(instance.lastFrame() ?? '').includes(last); wait++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const uiMs = cpuMs(uiStart);
  const wallMs = performance.now() - wallStart;
  const frame = instance.lastFrame() ?? '';
  const finalLinesShown = hosts.every((host) => frame.includes(`${host} line ${linesPerHost}:`));
  instance.unmount();
  return {
    events: all.length,
    foldMs,
    uiMs,
    wallMs,
    finalLinesShown,
    frames: instance.frames.length,
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await renderBench());
}
