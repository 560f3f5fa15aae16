// Join material lives in this process's memory only (DOMAIN.md "Safety
// rules"): generated here, handed to kubeadm on stdin, and replaced by
// `<redacted>` in every event, log line and error the run produces, even when
// a tool echoes it back (`kubeadm token create` prints its token).
import {createHash, randomBytes, randomInt, X509Certificate} from 'node:crypto';

export const redacted = '<redacted>';

const tokenAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (length: number): string =>
  Array.from({length}, () => tokenAlphabet[randomInt(tokenAlphabet.length)]).join('');

/** A bootstrap token in kubeadm's format `[a-z0-9]{6}.[a-z0-9]{16}`. */
export const generateBootstrapToken = (): string => `${randomText(6)}.${randomText(16)}`;

/** A certificate key for `--upload-certs`: 32 random bytes, hex (AES-256). */
export const generateCertificateKey = (): string => randomBytes(32).toString('hex');

/**
 * `sha256:` + SHA-256 of the CA's DER SubjectPublicKeyInfo, as kubeadm's
 * `--discovery-token-ca-cert-hash` wants it (DOMAIN.md phase 8). Node parses
 * the certificate, so RSA and ECDSA CAs work alike (the `openssl rsa` recipe
 * breaks on ECDSA).
 */
export const caCertHash = (pem: string): string => {
  const spki = new X509Certificate(pem).publicKey.export({type: 'spki', format: 'der'});
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
};

/** Every secret of a run, and the one function that hides them. */
export class SecretStore {
  readonly #values = new Set<string>();

  /** Remember a secret; a bootstrap token's secret half is hidden on its own too. */
  add(value: string): string {
    if (value.length < 6)
      throw new Error('refusing to register a secret shorter than 6 characters');
    this.#values.add(value);
    const token = /^[a-z0-9]{6}\.([a-z0-9]{16})$/.exec(value);
    if (token?.[1]) this.#values.add(token[1]);
    return value;
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a token's secret half never leaves its id behind in clear.
    for (const value of [...this.#values].sort((a, b) => b.length - a.length)) {
      result = result.replaceAll(value, redacted);
    }
    return result;
  }

  /** A copy of any JSON-like value with every string redacted. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.redactDeep(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.redactDeep(item as unknown)]),
      ) as T;
    }
    return value;
  }
}
