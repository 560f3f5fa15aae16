// The Network screen's props for tests of it as a component: the defaults,
// every callback a no-op for a test to replace.
import type {NetworkInputs} from '../../screens/app-state.js';
import type {NetworkScreenProps} from '../../screens/network.js';

export const networkInputs: NetworkInputs = {
  vip: '10.200.0.1',
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  kubernetesVersion: '1.36',
  clusterName: 'homelab',
};

export const networkProps: NetworkScreenProps = {
  size: {columns: 80, rows: 24},
  inputs: networkInputs,
  endpoint: 'tailscale-vip',
  findings: [],
  isActive: true,
  onEdit: () => {},
  onSetEndpoint: () => {},
  onCycleEndpoint: () => {},
  onContinue: () => [],
  onBack: () => {},
  onQuit: () => {},
};
