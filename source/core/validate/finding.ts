export type Severity = 'error' | 'warning';

export interface Finding {
  /** Stable identifier scripts can match on, e.g. `cidr-overlap`. */
  readonly code: string;
  readonly severity: Severity;
  /** One sentence naming the offending values and the fix. */
  readonly message: string;
  /** Which input it is about, so a screen can show it next to the field. */
  readonly field?:
    'vip' | 'podCidr' | 'serviceCidr' | 'kubernetesVersion' | 'clusterName' | 'roles' | 'access';
}

export const hasErrors = (findings: readonly Finding[]): boolean =>
  findings.some((finding) => finding.severity === 'error');
