import {InputError} from '../errors.js';

/**
 * Stand-ins for the join material in generated kubeadm configs. The real values
 * expire (token 24 h, certificate key 2 h, DOMAIN.md phase 8), so the run mints
 * them right before use and fills them in memory: they never reach the disk.
 */
export const placeholders = {
  bootstrapToken: '@@BOOTSTRAP_TOKEN@@',
  caCertHash: '@@CA_CERT_HASH@@',
  certificateKey: '@@CERTIFICATE_KEY@@',
} as const;

export type SecretName = keyof typeof placeholders;
export type Secrets = Partial<Record<SecretName, string>>;

// The formats kubeadm itself accepts. Checking them also guarantees a value
// cannot break out of the quoted YAML scalar its placeholder sits in.
const formats: Record<SecretName, {readonly pattern: RegExp; readonly shape: string}> = {
  bootstrapToken: {pattern: /^[a-z0-9]{6}\.[a-z0-9]{16}$/, shape: '[a-z0-9]{6}.[a-z0-9]{16}'},
  caCertHash: {pattern: /^sha256:[a-f0-9]{64}$/, shape: 'sha256:<64 hex digits>'},
  certificateKey: {pattern: /^[a-f0-9]{64}$/, shape: '64 hex digits'},
};

const anyPlaceholder = /@@[A-Z0-9_]+@@/g;

/**
 * Replaces every placeholder in `text` with its secret. Throws when a
 * placeholder has no secret, when a secret is malformed, or when anything that
 * looks like a placeholder is left. Messages name the secret, never its value.
 */
export const fillPlaceholders = (text: string, secrets: Secrets): string => {
  let filled = text;
  for (const name of Object.keys(placeholders) as SecretName[]) {
    const placeholder = placeholders[name];
    if (!filled.includes(placeholder)) continue;
    const value = secrets[name];
    if (value === undefined) {
      throw new InputError(`The ${name} placeholder ${placeholder} has no value to fill it with.`);
    }
    const format = formats[name];
    if (!format.pattern.test(value)) {
      throw new InputError(`The ${name} does not have kubeadm's format (${format.shape}).`);
    }
    filled = filled.replaceAll(placeholder, value);
  }
  const leftover = [...new Set(filled.match(anyPlaceholder) ?? [])];
  if (leftover.length > 0) {
    throw new InputError(`Unknown placeholder left unfilled: ${leftover.join(', ')}.`);
  }
  return filled;
};
