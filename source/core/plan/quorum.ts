/** etcd: n members tolerate floor((n-1)/2) failures (seed 002's table). */
export const tolerableFailures = (controlPlanes: number): number =>
  controlPlanes <= 0 ? 0 : Math.floor((controlPlanes - 1) / 2);

/** The live line on the Roles screen, e.g. "3 control planes: tolerates 1 failure". */
export const quorumLine = (controlPlanes: number): string => {
  if (controlPlanes === 0) return 'No control plane yet: pick at least one.';
  const noun = controlPlanes === 1 ? 'control plane' : 'control planes';
  const failures = tolerableFailures(controlPlanes);
  const tolerance =
    failures === 0
      ? 'tolerates no failure'
      : `tolerates ${failures} failure${failures === 1 ? '' : 's'}`;
  const even =
    controlPlanes % 2 === 0
      ? ` (an even count adds no tolerance over ${controlPlanes - 1})`
      : controlPlanes === 1
        ? ' (not highly available)'
        : '';
  return `${controlPlanes} ${noun}: ${tolerance}${even}`;
};
