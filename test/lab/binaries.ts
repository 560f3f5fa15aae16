// Where scripts/lab-binaries.sh put the real tailnet's binaries (built once
// per version from Go modules, outside the repository).
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {LabError} from './system.js';

export const tailscaleVersion = '1.98.10';
export const headscaleVersion = '0.29.2';

const cacheDir = () =>
  process.env['HWLAB_CACHE'] ??
  join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'ha-wizard-lab');

export const labBinaries = () => {
  const cache = cacheDir();
  const found = {
    tailscaled: join(cache, `tailscale-${tailscaleVersion}`, 'tailscaled'),
    tailscale: join(cache, `tailscale-${tailscaleVersion}`, 'tailscale'),
    headscale: join(cache, `headscale-${headscaleVersion}`, 'headscale'),
  };
  return found;
};

/** Why the real tailnet cannot start here, or undefined. */
export const missingBinaries = () => {
  const missing = Object.entries(labBinaries()).filter(([, file]) => !existsSync(file));
  return missing.length === 0
    ? undefined
    : `${missing.map(([name]) => name).join(', ')} not built: run bash scripts/lab-binaries.sh`;
};

export const requireBinaries = () => {
  const why = missingBinaries();
  if (why) throw new LabError(why);
};
