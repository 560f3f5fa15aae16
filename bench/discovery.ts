// Discovery at scale (issue 5): parse + validate CPU, and the first render of
// the Discover screen, for tailnets of 10, 1,000 and 10,000 peers.
import {defaultEndpoint} from '../source/core/plan/endpoint.js';
import {performance} from 'node:perf_hooks';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {App} from '../screens/app.js';
import {loaded} from '../screens/components/loadable.js';
import {generateArtifacts} from '../source/core/artifacts/index.js';
import {buildPlan} from '../source/core/plan/build.js';
import {defaults} from '../source/core/plan/defaults.js';
import {eligibility} from '../source/core/tailnet/eligibility.js';
import {parseStatus} from '../source/core/tailnet/parse-status.js';
import {validatePlan} from '../source/core/validate/index.js';
import {statusOfSize} from './tailnet-of.js';

const now = new Date('2026-11-24T00:00:00Z');

const cpuMs = (work: () => void): number => {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const discoveryBench = async (runs = 7) => {
  const rows = [];
  for (const size of [10, 1_000, 10_000]) {
    const text = statusOfSize(size);
    const parseValidate: number[] = [];
    let tailnet = parseStatus(text, 'bench');
    for (let run = 0; run < runs; run += 1) {
      parseValidate.push(
        cpuMs(() => {
          tailnet = parseStatus(text, 'bench');
          const nodes = tailnet.peers.filter((peer) => eligibility(peer).eligible).slice(0, 5);
          const plan = buildPlan(tailnet, {
            controlPlanes: nodes.slice(0, 3).map((peer) => peer.id),
            workers: nodes.slice(3).map((peer) => peer.id),
            network: {
              endpoint: defaultEndpoint,
              vip: defaults.vip,
              podCidr: defaults.podCidr,
              serviceCidr: defaults.serviceCidr,
            },
            kubernetesVersion: defaults.kubernetesVersion,
            clusterName: defaults.clusterName,
            access: {user: 'root', auth: {kind: 'agent'}},
          });
          validatePlan(plan, {now});
        }),
      );
    }
    const firstRender: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const instance = render(
        createElement(App, {
          discovery: {kind: 'tailnet', tailnet},
          loadDemo: () => tailnet,
          now,
          generateArtifacts: loaded(generateArtifacts),
          writeArtifacts: async () => '',
        }),
      );
      const frame = instance.lastFrame() ?? '';
      firstRender.push(performance.now() - started);
      instance.unmount();
      if (!frame.includes('1/5 Discover')) throw new Error(`no Discover frame at ${size} peers`);
    }
    rows.push({
      size,
      bytes: text.length,
      parseValidateMs: median(parseValidate),
      firstRenderMs: median(firstRender),
    });
  }
  return rows;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await discoveryBench());
}
