import {useEffect, type RefObject} from 'react';
import {useSyncState} from './use-sync-reducer.js';

/**
 * A list's highlighted row, kept by the screen but reported to its owner, so
 * that leaving the screen (Esc) and coming back lands on the same row.
 */
export const useCursor = (
  initial: number | undefined,
  onChange: ((cursor: number) => void) | undefined,
): [
  cursor: number,
  set: (action: number | ((previous: number) => number)) => void,
  ref: RefObject<number>,
] => {
  const [cursor, setCursor, ref] = useSyncState(initial ?? 0);
  useEffect(() => {
    onChange?.(cursor);
  }, [cursor, onChange]);
  return [cursor, setCursor, ref];
};
