import {useEffect, useState, type Dispatch, type SetStateAction} from 'react';

/**
 * A list's highlighted row, kept by the screen but reported to its owner, so
 * that leaving the screen (Esc) and coming back lands on the same row.
 */
export const useCursor = (
  initial: number | undefined,
  onChange: ((cursor: number) => void) | undefined,
): [number, Dispatch<SetStateAction<number>>] => {
  const [cursor, setCursor] = useState(initial ?? 0);
  useEffect(() => {
    onChange?.(cursor);
  }, [cursor, onChange]);
  return [cursor, setCursor];
};
