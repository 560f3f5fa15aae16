import {useCallback, useRef, useState, type RefObject} from 'react';

/**
 * `useReducer` whose latest state is also readable, synchronously, from a ref.
 *
 * Ink delivers every key of one stdin chunk (key repeat, a fast typist on a
 * loaded machine) before React renders, so a key handler that reads state from
 * its render closure would act on the state from before the previous key,
 * e.g. type into the field that Tab just left. Handlers read `ref.current`,
 * which each dispatch updates at once; the view renders from `state`.
 */
export const useSyncReducer = <S, A>(
  reducer: (state: S, action: A) => S,
  initial: S | (() => S),
): [state: S, dispatch: (action: A) => void, ref: RefObject<S>] => {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const dispatch = useCallback(
    (action: A) => {
      const next = reducer(ref.current, action);
      if (Object.is(next, ref.current)) return;
      ref.current = next;
      setState(next);
    },
    [reducer],
  );
  return [state, dispatch, ref];
};

type SetAction<S> = S | ((previous: S) => S);

const setReducer = <S>(state: S, action: SetAction<S>): S =>
  typeof action === 'function' ? (action as (previous: S) => S)(state) : action;

/** `useState` with the same synchronous ref. */
export const useSyncState = <S>(
  initial: S | (() => S),
): [state: S, set: (action: SetAction<S>) => void, ref: RefObject<S>] =>
  useSyncReducer<S, SetAction<S>>(setReducer, initial);
