// A value the wizard needs later, loaded when it is about to be needed instead
// of before the first frame: the artifact generators (and the YAML library
// under them) are needed on Review only, and loading them up front delayed it.
import {useEffect, useState} from 'react';

export interface Loadable<T> {
  /** The value once loaded, undefined until then. */
  readonly current: () => T | undefined;
  /** Starts loading (once) and resolves with the value. */
  readonly load: () => Promise<T>;
}

/** Loads with `load` the first time it is asked for, and keeps the value. */
export const loadable = <T>(load: () => Promise<T>): Loadable<T> => {
  let value: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    current: () => value,
    load: () =>
      (loading ??= load().then((loaded) => {
        value = loaded;
        return loaded;
      })),
  };
};

/** A value that is there from the start (tests, and callers that have it already). */
export const loaded = <T>(value: T): Loadable<T> => ({
  current: () => value,
  load: () => Promise.resolve(value),
});

export type Loading<T> =
  | {readonly kind: 'loaded'; readonly value: T}
  | {readonly kind: 'loading'}
  | {readonly kind: 'failed'; readonly error: string};

/** The value while `wanted`, loading it first if it is not there yet; re-renders once it is. */
export const useLoadable = <T>(source: Loadable<T>, wanted: boolean): Loading<T> => {
  const [error, setError] = useState<string>();
  const [, setLoaded] = useState(0);
  const value = source.current();
  useEffect(() => {
    if (!wanted || value !== undefined) return;
    let live = true;
    source.load().then(
      () => {
        if (live) setLoaded((count) => count + 1);
      },
      (reason: unknown) => {
        if (live) setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
    return () => {
      live = false;
    };
  }, [source, wanted, value]);
  if (value !== undefined) return {kind: 'loaded', value};
  return error === undefined ? {kind: 'loading'} : {kind: 'failed', error};
};
