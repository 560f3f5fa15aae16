import {useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {Size} from './layout.js';

const fallback: Size = {columns: 80, rows: 24};

const read = (stdout: NodeJS.WriteStream): Size => ({
  // Not a TTY (or a test stream without `rows`): lay out for 80×24.
  columns: stdout.columns || fallback.columns,
  rows: stdout.rows || fallback.rows,
});

/** The terminal's current size; re-renders on resize so a larger terminal gets used. */
export const useTerminalSize = (): Size => {
  const {stdout} = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const update = () => {
      setSize((previous) => {
        const next = read(stdout);
        return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
      });
    };
    update();
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  }, [stdout]);
  return size;
};
