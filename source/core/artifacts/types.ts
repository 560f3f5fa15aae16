export interface Artifact {
  /** Relative path inside the output folder, e.g. `kubeadm/init-cp1.yaml`. */
  readonly path: string;
  /** Short human title for the Review screen. */
  readonly title: string;
  readonly content: string;
}
