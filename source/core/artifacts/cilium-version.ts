/**
 * The Cilium chart every run installs. Pinned, so a first install on two days
 * gives the same Cilium and a re-run never moves it (helm without --version
 * takes the newest chart); a new release is a change to this line, shown in the
 * plan. 1.18.x has every key of cilium-values.ts (boolean kubeProxyReplacement,
 * routingMode, tunnelProtocol, top-level MTU). A file of its own so the Review
 * screen can name it without loading the YAML library.
 */
export const ciliumChartVersion = '1.18.6';
