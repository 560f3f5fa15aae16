import {existsSync} from 'node:fs';

// What every lab test file needs from the machine; install-deps.sh provides all of it.
const tools = {
  '/usr/sbin/sshd': 'openssh-server',
  '/usr/bin/sudo': 'sudo',
  '/usr/bin/containerd': 'containerd',
  '/usr/bin/curl': 'curl',
} as const;

/**
 * Why the lab tests of `file` cannot run here (printed, never silent), or
 * undefined when they can. `also` adds a file-specific requirement.
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
        : also && !existsSync(also.path)
          ? also.reason
          : undefined;
  if (reason) console.warn(`${file}: lab tests skipped: ${reason}`);
  return reason;
};
