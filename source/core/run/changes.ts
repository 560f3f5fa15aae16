// What the wizard changed on each host, as the saved run keeps it for
// `ha-wizard reset` (issue 4): folded from `host-change` events, across every
// run of the cluster (a resume or a re-run adds to it, never replaces it), so
// that reset can put back what was there BEFORE THE FIRST RUN. Hence: per
// host and thing changed, the first record wins; a later one only adds the
// backup's path that the first could not know yet.
import type {HostChange, RunEvent} from './events.js';

export interface RecordedChange {
  readonly host: string;
  readonly phase: string;
  readonly change: HostChange;
}

/** One key per host and thing changed: a flag, a file's path, a connection's name. */
export const changeKey = (host: string, change: HostChange): string => {
  switch (change.kind) {
    case 'accept-routes':
    case 'advertise-routes':
      return `${host}\0${change.kind}`;
    case 'file':
      return `${host}\0file\0${change.path}`;
    case 'nm-connection':
      return `${host}\0nm\0${change.name}`;
    case 'service':
      return `${host}\0service\0${change.name}`;
  }
};

/** The records with this one folded in; the same array when it adds nothing. */
export const addChange = (
  changes: readonly RecordedChange[],
  recorded: RecordedChange,
): readonly RecordedChange[] => {
  const key = changeKey(recorded.host, recorded.change);
  const index = changes.findIndex((entry) => changeKey(entry.host, entry.change) === key);
  if (index === -1) return [...changes, recorded];
  const first = changes[index]!;
  const later = recorded.change;
  if (
    first.change.kind === 'file' &&
    later.kind === 'file' &&
    first.change.previous === 'present' &&
    first.change.backupPath === undefined &&
    later.backupPath !== undefined
  ) {
    const merged: RecordedChange = {
      ...first,
      change: {...first.change, backupPath: later.backupPath},
    };
    return changes.map((entry, i) => (i === index ? merged : entry));
  }
  return changes;
};

/** The records after one more event; the same array for every other event. */
export const recordChange = (
  changes: readonly RecordedChange[],
  event: RunEvent,
): readonly RecordedChange[] =>
  event.type === 'host-change'
    ? addChange(changes, {host: event.host, phase: event.phase, change: event.change})
    : changes;

/** Records of one host. */
export const changesOf = (changes: readonly RecordedChange[], host: string): HostChange[] =>
  changes.filter((entry) => entry.host === host).map((entry) => entry.change);

/** The saved form back, keeping only well-formed records (the file is the user's to edit). */
export const parseChanges = (value: unknown): RecordedChange[] => {
  if (!Array.isArray(value)) return [];
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'string');
  return value.flatMap((entry): RecordedChange[] => {
    if (entry === null || typeof entry !== 'object') return [];
    const {host, phase, change} = entry as Record<string, unknown>;
    if (typeof host !== 'string' || typeof phase !== 'string') return [];
    if (change === null || typeof change !== 'object') return [];
    const c = change as Record<string, unknown>;
    const ok = (parsed: HostChange): RecordedChange[] => [{host, phase, change: parsed}];
    switch (c['kind']) {
      case 'accept-routes':
        return typeof c['previous'] === 'boolean'
          ? ok({kind: 'accept-routes', previous: c['previous']})
          : [];
      case 'advertise-routes':
        return strings(c['previous'])
          ? ok({kind: 'advertise-routes', previous: c['previous']})
          : [];
      case 'file': {
        const path = c['path'];
        const previous = c['previous'];
        const backupPath = c['backupPath'];
        if (typeof path !== 'string' || (previous !== 'absent' && previous !== 'present'))
          return [];
        return ok({
          kind: 'file',
          path,
          previous,
          ...(typeof backupPath === 'string' ? {backupPath} : {}),
        });
      }
      case 'nm-connection':
        return typeof c['name'] === 'string' ? ok({kind: 'nm-connection', name: c['name']}) : [];
      case 'service':
        return typeof c['name'] === 'string' &&
          typeof c['previousActive'] === 'boolean' &&
          typeof c['previousEnabled'] === 'boolean'
          ? ok({
              kind: 'service',
              name: c['name'],
              previousActive: c['previousActive'],
              previousEnabled: c['previousEnabled'],
            })
          : [];
      default:
        return [];
    }
  });
};

/** For the run log: what was recorded, in a few words. */
export const describeChange = (change: HostChange): string => {
  switch (change.kind) {
    case 'accept-routes':
      return `accept-routes was ${change.previous}`;
    case 'advertise-routes':
      return `advertised routes were [${change.previous.join(', ')}]`;
    case 'file':
      return change.previous === 'absent'
        ? `${change.path} created`
        : `${change.path} replaced${change.backupPath ? ` (backup ${change.backupPath})` : ''}`;
    case 'nm-connection':
      return `NetworkManager connection ${change.name} added`;
    case 'service':
      return `${change.name} was ${change.previousActive ? 'running' : 'stopped'} and ${change.previousEnabled ? 'enabled' : 'disabled'}`;
  }
};
