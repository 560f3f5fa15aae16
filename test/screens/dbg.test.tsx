import {test} from 'vitest';
import {render as inkRender} from 'ink-testing-library';
import {NetworkScreen} from '../../screens/network.js';
test('dbg', async () => {
  const inputs = {
    vip: 'v',
    podCidr: 'p',
    serviceCidr: 's',
    kubernetesVersion: 'k',
    clusterName: 'c',
  };
  const i = inkRender(
    <NetworkScreen
      size={{columns: 80, rows: 24}}
      inputs={inputs}
      findings={[]}
      isActive
      onEdit={() => {}}
      onContinue={() => {}}
      onBack={() => {}}
      onQuit={() => {}}
    />,
  );
  await new Promise((r) => setImmediate(r));
  const before = i.frames.length;
  i.stdin.write('\t');
  console.log(
    'sync frames after tab',
    i.frames.length - before,
    (i.lastFrame() ?? '').includes('› Pod'),
  );
  await Promise.resolve();
  console.log('after microtask', i.frames.length - before, (i.lastFrame() ?? '').includes('› Pod'));
  await new Promise((r) => setImmediate(r));
  console.log('after immediate', i.frames.length - before, (i.lastFrame() ?? '').includes('› Pod'));
});
