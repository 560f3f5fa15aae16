import cliTruncate from 'cli-truncate';
import {Text} from 'ink';
import stringWidth from 'string-width';

export interface RowCell {
  readonly text: string;
  /** Columns including the one-space gap after the text; none for a last cell that takes what is left. */
  readonly width?: number;
  readonly color?: string;
  readonly dim?: boolean;
  readonly bold?: boolean;
}

/**
 * `text` in exactly `width` columns, the last a gap: cut with `…` as Ink's
 * `truncate-end` cuts (with the same cli-truncate), then padded with spaces.
 */
export const fitCell = (text: string, width: number): string => {
  const cut = cliTruncate(text, Math.max(0, width - 1), {position: 'end'});
  return cut + ' '.repeat(Math.max(0, width - stringWidth(cut)));
};

/**
 * One table row as one line of text, never wrapped. Ink lays out every Box
 * and draws every Text of every frame: a Box and a Text per cell made ~150
 * layout nodes of Discover's table alone, most of the first frame's cost
 * (BENCHMARKS.md, issue 12). Nested Text spans are styled runs of one node.
 */
export const TableRow = ({cells}: {readonly cells: readonly RowCell[]}) => (
  <Text wrap="truncate-end">
    {cells.map((cell, index) => (
      <Text key={index} color={cell.color} dimColor={cell.dim} bold={cell.bold}>
        {cell.width === undefined ? cell.text : fitCell(cell.text, cell.width)}
      </Text>
    ))}
  </Text>
);
