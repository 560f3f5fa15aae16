import {existsSync} from 'node:fs';
import {missingBinaries} from './binaries.js';

// What every lab test file needs from the machine; install-deps.sh provides all of it.
const tools = {
  '/usr/sbin/sshd': 'openssh-server',
  '/usr/bin/sudo': 'sudo',
  '/usr/bin/containerd': 'containerd',
  '/usr/bin/curl': 'curl',
  '/usr/sbin/nft': 'nftables',
} as const;

/**
 * Why the lab tests of `file` cannot run here (printed, never silent), or
 * undefined when they can. `also` adds a file-specific requirement. Under
 * CI=true there is no skipping: a lab that cannot run fails the run, naming
 * what is missing, so CI can never pass with the lab left out.
 */
export const labSkipReason = (
  file: string,
  also?: {path: string; reason: string},
): string | undefined => {
  const missing = Object.entries(tools)
    .filter(([path]) => !existsSync(path))
    .map(([, name]) => name);
  const reason =
    process.getuid?.() !== 0
      ? 'the lab needs root (network namespaces and mounts)'
      : missing.length > 0
        ? `${missing.join(', ')} not installed: run test/lab/install-deps.sh`
        : (missingBinaries() ?? (also && !existsSync(also.path) ? also.reason : undefined));
  if (reason && process.env['CI'] === 'true')
    throw new Error(`${file}: the lab cannot run under CI=true: ${reason}`);
  if (reason) console.warn(`${file}: lab tests skipped: ${reason}`);
  return reason;
};
